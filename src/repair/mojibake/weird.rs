//! How weird a decoded line looks ([`weirdness`]): words that mix scripts,
//! odd capitals, exotic characters, letters outside every alphabet the word
//! could be in. It chooses between code pages that all decode a line; lower
//! is more like real text.

/// The writing system of a letter, as far as telling a decoded word that mixes
/// two of them goes: CJK ideographs, kana and Hangul count as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Syriac,
    Cjk,
    /// Any other block, by its code point divided by 128.
    Other(u32),
}

pub(super) fn script(c: char) -> Script {
    let x = c as u32;
    match x {
        0..=0x2AF | 0x1E00..=0x1EFF | 0xFB00..=0xFB06 => Script::Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x530..=0x58F => Script::Armenian,
        0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x700..=0x74F => Script::Syriac,
        0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF => {
            Script::Cjk
        }
        _ => Script::Other(x >> 7),
    }
}

/// Whether letters of `sc` stand next to letters of another script only in
/// mojibake: right-to-left scripts, Armenian, the Cyrillic letters beyond
/// Russian's and other languages' common ones (from U+0460), and other blocks.
/// Greek (`IL2Rγ`) and common Cyrillic letters do mix with Latin in real text.
pub(super) fn exotic(c: char, sc: Script) -> bool {
    match sc {
        Script::Latin | Script::Greek | Script::Cjk => false,
        Script::Cyrillic => c as u32 >= 0x460,
        _ => true,
    }
}

/// False when `c` is no [`exotic`] letter, told from its code point alone:
/// below U+0460 (modifier letters there go with any script), Latin and Greek
/// extended, general punctuation, currency signs, `™`, box drawing and
/// blocks, and the CJK blocks of [`script`].
pub(super) fn may_be_exotic(c: char) -> bool {
    !matches!(c as u32,
        0..=0x45F
        | 0x1E00..=0x1FFF
        | 0x2000..=0x206F
        | 0x20A0..=0x20CF
        | 0x2122
        | 0x2500..=0x259F
        | 0x3040..=0x30FF
        | 0x3400..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFF00..=0xFFEF)
}

/// The number of runs of letters in `s` that mix an [`exotic`] script with
/// another (`ڞasný`, `Dܪܪ`, `ӿskileg`). Real words hardly ever do; UTF-8 read
/// through a code page never decodes into one, but decoding real letters that
/// only look like mojibake (`Úž`, `ÜŞ`, `Óæ`) does.
pub(super) fn mixed_words(s: &str) -> usize {
    // Below U+0440 (lead bytes below 0xD1) every letter is Latin, Greek or
    // common Cyrillic: none is exotic. Nor is one among those with no exotic
    // letter in their block (punctuation, `€`, `™`, boxes, CJK).
    if s.bytes().all(|b| b < 0xD1) || !s.chars().any(may_be_exotic) {
        return 0;
    }
    let mut count = 0;
    // The run's first script, and whether it mixes an exotic one with another.
    let mut first: Option<Script> = None;
    let (mut has_exotic, mut mixes) = (false, false);
    for c in s.chars().chain(std::iter::once(' ')) {
        // Modifier letters (`ˆ`, U+02B0–U+036F) go with any script.
        if ('\u{2B0}'..='\u{36F}').contains(&c) {
            continue;
        }
        if !c.is_alphabetic() {
            count += usize::from(mixes && has_exotic);
            first = None;
            has_exotic = false;
            mixes = false;
            continue;
        }
        let sc = script(c);
        has_exotic |= exotic(c, sc);
        mixes |= *first.get_or_insert(sc) != sc;
    }
    count
}

/// Letters whose case is out of place in their word: an uppercase letter that
/// is not ASCII after a lowercase one, or between an uppercase one and a
/// lowercase one (`rÊunion`, `LÜsung`, `ÊtÊ`). Title case and capitals are fine.
pub(super) fn odd_case(s: &str) -> usize {
    let chars: Vec<char> = s.chars().collect();
    (1..chars.len())
        .filter(|&i| {
            let c = chars[i];
            if c.is_ascii() || !c.is_uppercase() {
                return false;
            }
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied();
            prev.is_lowercase() || (prev.is_uppercase() && next.is_some_and(char::is_lowercase))
        })
        .count()
}

/// The lowercase letters outside ASCII of the languages written in Latin
/// script that mojibake is mostly made of, one alphabet each.
pub(super) const ALPHABETS: &[&str] = &[
    "àâæçéèêëîïôœùûüÿ",                                                    // French
    "äöüß",                                                                // German
    "áéíóúñü",                                                             // Spanish
    "áâãàçéêíóôõú",                                                        // Portuguese
    "àèéìíîòóùú",                                                          // Italian
    "àçèéíïòóúü",                                                          // Catalan
    "éëïöüèáóúíêç",                                                        // Dutch
    "åäöéü",                                                               // Swedish, Finnish
    "æøåéó",                                                               // Danish, Norwegian
    "áðéíóúýþæö",                                                          // Icelandic
    "ąćęłńóśźż",                                                           // Polish
    "áčďéěíňóřšťúůýž",                                                     // Czech
    "áäčďéíĺľňóôŕšťúýž",                                                   // Slovak
    "áéíóöőúüű",                                                           // Hungarian
    "ăâîșțşţ",                                                             // Romanian
    "çğıöşüâî",                                                            // Turkish
    "ąčęėįšųūž",                                                           // Lithuanian
    "āčēģīķļņšūž",                                                         // Latvian
    "čćđšž", // Croatian, Serbian, Slovenian, Bosnian
    "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ", // Vietnamese
];

/// Punctuation outside ASCII that real text puts inside or against words.
pub(super) fn word_punct(c: char) -> bool {
    matches!(
        c,
        '’' | '‘'
            | '“'
            | '”'
            | '«'
            | '»'
            | '–'
            | '—'
            | '…'
            | '·'
            | '•'
            | '„'
            | '‚'
            | '‹'
            | '›'
    )
}

/// How unlike real text `s` is, for choosing between the pages that decode a
/// line: words that mix scripts (counted twice), letters in an odd case
/// ([`odd_case`]), Latin letters outside the alphabet of the language that
/// fits them best (`ŷ`, or `á` among Swedish letters), and symbols or combining
/// marks stuck to a letter (`vr÷tili`, U+0334 before `pent`).
pub(crate) fn weirdness(s: &str) -> usize {
    let mut letters: Vec<char> = Vec::new();
    let mut stuck = 0;
    let mut prev = ' ';
    for c in s.chars() {
        if !c.is_ascii() && c.is_alphabetic() && script(c) == Script::Latin {
            letters.extend(c.to_lowercase());
        }
        // Fractions and superscripts (`ne¾`, `bÂ²`) count as symbols: digits
        // outside ASCII do not stick to letters either.
        let symbol =
            |x: char| !x.is_ascii() && !x.is_alphabetic() && !x.is_whitespace() && !word_punct(x);
        if (symbol(c) && prev.is_alphabetic()) || (symbol(prev) && c.is_alphabetic()) {
            stuck += 1;
        }
        prev = c;
    }
    let outside = if letters.is_empty() {
        0
    } else {
        // Per alphabet, the letters it lacks.
        let mut lacking = [0usize; ALPHABETS.len()];
        for &c in &letters {
            let has = alphabets_with(c);
            for (a, n) in lacking.iter_mut().enumerate() {
                *n += usize::from(has >> a & 1 == 0);
            }
        }
        lacking.into_iter().min().unwrap_or(0)
    };
    2 * mixed_words(s) + odd_case(s) + outside + stuck
}

/// The alphabets of [`ALPHABETS`] that have lowercase letter `c` (bit `a`
/// for `ALPHABETS[a]`), from a table sorted by letter.
pub(super) fn alphabets_with(c: char) -> u32 {
    static TABLE: std::sync::OnceLock<Vec<(char, u32)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut map = std::collections::BTreeMap::<char, u32>::new();
        for (a, letters) in ALPHABETS.iter().enumerate() {
            for l in letters.chars() {
                *map.entry(l).or_insert(0) |= 1 << a;
            }
        }
        map.into_iter().collect()
    });
    table
        .binary_search_by(|e| e.0.cmp(&c))
        .map_or(0, |i| table[i].1)
}
