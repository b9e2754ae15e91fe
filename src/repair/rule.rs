//! The repair rules as a type: [`RepairRule`], one variant per rule id, so a
//! misspelt rule is a compile error rather than a rule that is never off.
//! Users still name rules by id (`--disable repair.whitespace`); the ids are
//! parsed into the enum here, at the edge of the repair stage
//! ([`RepairRule::from_id`], [`Disabled`]). [`super::RULES`] lists the same
//! rules, in this order, and must agree with [`RepairRule::ALL`].

/// A repair rule. Its id ([`RepairRule::id`]) is what users type and what a
/// [`crate::record::Fix`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RepairRule {
    /// `repair.html-entities`
    HtmlEntities,
    /// `repair.mojibake`
    Mojibake,
    /// `repair.mojibake-inline`
    MojibakeInline,
    /// `repair.c1-controls`
    C1Controls,
    /// `repair.fffd-apostrophe`
    FffdApostrophe,
    /// `repair.fffd-space`
    FffdSpace,
    /// `repair.fffd-dash`
    FffdDash,
    /// `repair.fffd-quotes`
    FffdQuotes,
    /// `repair.fffd-letter`
    FffdLetter,
    /// `repair.whitespace`
    Whitespace,
    /// `repair.nbsp`
    Nbsp,
    /// `repair.invisible`
    Invisible,
}

impl RepairRule {
    /// Every repair rule, in the order of [`super::RULES`].
    pub const ALL: [RepairRule; 12] = [
        RepairRule::HtmlEntities,
        RepairRule::Mojibake,
        RepairRule::MojibakeInline,
        RepairRule::C1Controls,
        RepairRule::FffdApostrophe,
        RepairRule::FffdSpace,
        RepairRule::FffdDash,
        RepairRule::FffdQuotes,
        RepairRule::FffdLetter,
        RepairRule::Whitespace,
        RepairRule::Nbsp,
        RepairRule::Invisible,
    ];

    /// The rule's id, `repair.name`.
    pub const fn id(self) -> &'static str {
        match self {
            RepairRule::HtmlEntities => "repair.html-entities",
            RepairRule::Mojibake => "repair.mojibake",
            RepairRule::MojibakeInline => "repair.mojibake-inline",
            RepairRule::C1Controls => "repair.c1-controls",
            RepairRule::FffdApostrophe => "repair.fffd-apostrophe",
            RepairRule::FffdSpace => "repair.fffd-space",
            RepairRule::FffdDash => "repair.fffd-dash",
            RepairRule::FffdQuotes => "repair.fffd-quotes",
            RepairRule::FffdLetter => "repair.fffd-letter",
            RepairRule::Whitespace => "repair.whitespace",
            RepairRule::Nbsp => "repair.nbsp",
            RepairRule::Invisible => "repair.invisible",
        }
    }

    /// What the rule does (the text [`super::RULES`] lists).
    pub const fn description(self) -> &'static str {
        match self {
            RepairRule::HtmlEntities => {
                "HTML character references (`&eacute;`, `&#233;`, `&#x92;` as windows-1252) decoded, only with the `;` and only in text that is not HTML"
            }
            RepairRule::Mojibake => {
                "a line that is UTF-8 read through a single-byte code page (windows-1252/1250/1251/1253/1254/1257, latin-1, ISO-8859-2, MacRoman, CP437), re-encoded and decoded as UTF-8, layer by layer"
            }
            RepairRule::MojibakeInline => {
                "mojibake runs inside an otherwise good line (`l’Ã©valuation`, `zsynchronizowaÄ‡`), decoded as UTF-8 through windows-1252 or, when the line is less weird for it, another code page"
            }
            RepairRule::C1Controls => {
                "C1 control characters (U+0080–U+009F) read as the windows-1252 characters they were"
            }
            RepairRule::FffdApostrophe => {
                "U+FFFD in a contraction or elision was an apostrophe: `don\u{FFFD}t` → `don’t`"
            }
            RepairRule::FffdSpace => "U+FFFD between two words was a lost no-break space: a space",
            RepairRule::FffdDash => {
                "U+FFFD between two numbers was an en dash: `2019\u{FFFD}2020` → `2019–2020`"
            }
            RepairRule::FffdQuotes => "a pair of U+FFFD around words were curly double quotes",
            RepairRule::FffdLetter => {
                "U+FFFD inside a word was the one letter that makes a known word (`caf\u{FFFD}` → `café`)"
            }
            RepairRule::Whitespace => {
                "trailing whitespace removed, whitespace-only lines emptied (not reported per line)"
            }
            RepairRule::Nbsp => {
                "no-break spaces (U+00A0, U+202F, U+2007) to plain spaces, after mojibake repair (not reported per line)"
            }
            RepairRule::Invisible => {
                "zero-width spaces, word joiners, stray byte-order marks, soft hyphens and control characters other than tab removed"
            }
        }
    }

    /// The rule whose id is `id`; `None` for any other string (an unknown
    /// `repair.*` id is the caller's error to report).
    pub fn from_id(id: &str) -> Option<RepairRule> {
        RepairRule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// The rule's bit in a [`Disabled`] set.
    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of repair rules turned off, read once from the ids of
/// [`super::RepairOptions::disabled`] (ids of other rules are not repair's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Disabled(u16);

impl Disabled {
    /// No rule turned off.
    pub const NONE: Disabled = Disabled(0);

    /// The repair rules among `ids`.
    pub fn from_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Disabled {
        Disabled(
            ids.into_iter()
                .filter_map(RepairRule::from_id)
                .fold(0, |bits, r| bits | r.bit()),
        )
    }

    /// Whether `rule` is turned off.
    pub fn contains(self, rule: RepairRule) -> bool {
        self.0 & rule.bit() != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_parses_back_to_its_rule_and_typos_do_not() {
        for r in RepairRule::ALL {
            assert!(r.id().starts_with("repair."), "{r:?}");
            assert_eq!(RepairRule::from_id(r.id()), Some(r));
            assert!(r.description().len() > 20, "{r:?}");
        }
        for typo in [
            "repair.whitespce",
            "repair.",
            "whitespace",
            "REPAIR.NBSP",
            "",
        ] {
            assert_eq!(RepairRule::from_id(typo), None, "{typo}");
            assert!(!super::super::is_rule(typo), "{typo}");
        }
        let ids: Vec<&str> = super::super::RULES.iter().map(|(id, _)| *id).collect();
        let all: Vec<&str> = RepairRule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids, all);
    }

    #[test]
    fn disabled_holds_the_repair_ids_given_and_ignores_the_rest() {
        let off = Disabled::from_ids(["repair.nbsp", "promo.x", "repair.fffd-dash", "bogus"]);
        for r in RepairRule::ALL {
            let want = matches!(r, RepairRule::Nbsp | RepairRule::FffdDash);
            assert_eq!(off.contains(r), want, "{r:?}");
            assert!(!Disabled::NONE.contains(r));
        }
    }
}
