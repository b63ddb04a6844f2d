//! Typesets the registry's update equations as MathML, which browsers draw
//! without any library.
//!
//! The registry writes equations in plain Unicode, the way they read on a
//! slide: `θ ← θ − α m̂ / (√v̂ + ε)`, `β₁ᵗ`, `Hₖ₊₁`, `∇f_B(x)`, `0.96^(tψ)`.
//! This module turns each line into a paragraph of `<math>` elements:
//! letters become identifiers, digits numbers, Unicode sub- and superscript
//! runs (or `_` and `^` followed by one atom or a bracketed group) become
//! scripts, `√` takes the atom or bracketed group after it, combining accents
//! become over-marks and words of two or more Latin letters become text
//! unless they name a function (`max`, `sign`, …).

/// Names set upright as identifiers rather than as prose.
const FUNCTIONS: &[&str] = &["argmin", "diag", "exp", "log", "max", "min", "sign"];

/// Every line of `equations` as a paragraph of wrappable groups of `<math>`
/// elements and prose.
///
/// ```
/// let html = descent::render::mathml::typeset("m̂ = m/(1 − β₁ᵗ)");
/// assert!(html.starts_with("<p class=\"eq\"><span class=\"f\"><math>"));
/// assert!(html.contains("<msubsup><mi>β</mi><mrow><mn>1</mn></mrow><mrow><mi>t</mi></mrow></msubsup>"));
/// ```
pub fn typeset(equations: &str) -> String {
    equations.lines().map(line).collect()
}

/// One line as a paragraph of groups (formulas set apart by two spaces, `;`
/// or `,`), each group a run of `<math>` pieces and prose, so that a narrow
/// box wraps between groups, before a top-level `+` or `−`, after a `·` or a
/// spaced `/`, and
/// inside prose, but never inside a bracket.
fn line(text: &str) -> String {
    let groups: String = groups(text)
        .iter()
        .map(|group| {
            let items: String = group
                .iter()
                .map(|item| match item {
                    Item::Formula(f) => format!("<math><mrow>{}</mrow></math>", row(f)),
                    Item::Prose(p) => {
                        let text: String = p.chars().map(escape).collect();
                        format!("<span class=\"prose\">{text}</span>")
                    }
                })
                .collect();
            format!("<span class=\"f\">{items}</span>")
        })
        .collect();
    format!("<p class=\"eq\">{groups}</p>")
}

/// A piece of a line: a formula, or words at the top level of the line.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Formula(String),
    Prose(String),
}

/// Whether the word starting at `i` is prose: two or more Latin letters
/// (an apostrophe inside allowed) that do not name a function.
fn prose_word_end(chars: &[char], i: usize) -> Option<usize> {
    let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
    if !starts_word || !chars.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let end = run_end(chars, i, |c| c.is_ascii_alphabetic() || c == '\'');
    let word: String = chars[i..end].iter().collect();
    let ends_word = chars
        .get(end)
        .is_none_or(|c| !c.is_alphanumeric() && !is_script(*c));
    (word.chars().count() >= 2 && !FUNCTIONS.contains(&word.as_str()) && ends_word).then_some(end)
}

fn is_script(c: char) -> bool {
    subscript(c).is_some()
        || superscript(c).is_some()
        || accent(c).is_some()
        || c == '_'
        || c == '^'
}

/// The line's groups and their items.
fn groups(text: &str) -> Vec<Vec<Item>> {
    let chars: Vec<char> = text.chars().collect();
    let mut groups: Vec<Vec<Item>> = vec![Vec::new()];
    let mut current = String::new();
    let mut depth = 0usize;
    let flush = |current: &mut String, groups: &mut Vec<Vec<Item>>| {
        let formula = current.trim().to_string();
        if !formula.is_empty() {
            if let Some(group) = groups.last_mut() {
                group.push(Item::Formula(formula));
            }
        }
        current.clear();
    };
    let close = |groups: &mut Vec<Vec<Item>>| {
        if groups.last().is_some_and(|g| !g.is_empty()) {
            groups.push(Vec::new());
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            if c == ' ' && next == Some(' ') {
                flush(&mut current, &mut groups);
                close(&mut groups);
                i = run_end(&chars, i, char::is_whitespace);
                continue;
            }
            if matches!(c, ';' | ',') && next.is_none_or(|n| n == ' ') {
                current.push(c);
                flush(&mut current, &mut groups);
                close(&mut groups);
                i += 1;
                continue;
            }
            if matches!(c, '−' | '+') && i > 0 && chars[i - 1] == ' ' && next == Some(' ') {
                flush(&mut current, &mut groups);
            }
            if let Some(mut end) = prose_word_end(&chars, i) {
                flush(&mut current, &mut groups);
                // Single spaces between prose words (and a trailing `:` or `,`) stay in the prose.
                while chars.get(end) == Some(&' ') {
                    match prose_word_end(&chars, end + 1) {
                        Some(after) => end = after,
                        None => break,
                    }
                }
                if chars.get(end).is_some_and(|&c| c == ':') {
                    end += 1;
                }
                let words: String = chars[i..end].iter().collect();
                if let Some(group) = groups.last_mut() {
                    group.push(Item::Prose(words));
                }
                i = end;
                continue;
            }
            let spaced = i > 0 && chars[i - 1] == ' ' && next == Some(' ');
            if c == '·' || (c == '/' && spaced) {
                current.push(c);
                flush(&mut current, &mut groups);
                i += 1;
                continue;
            }
        }
        current.push(c);
        i += 1;
    }
    flush(&mut current, &mut groups);
    groups.retain(|g| !g.is_empty());
    groups
}

/// The MathML content of one line (without the enclosing `<math>`).
fn row(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if i - start >= 2 && start > 0 && i < chars.len() {
                out.push_str("<mspace width=\"1em\"/>");
            }
            continue;
        }
        let (atom, next) = atom(&chars, i);
        let (scripted, next) = scripts(&chars, next, atom);
        out.push_str(&scripted);
        i = next;
    }
    out
}

/// One atom starting at `i` (before any scripts) and the index after it.
fn atom(chars: &[char], i: usize) -> (String, usize) {
    let c = chars[i];
    if c.is_ascii_alphabetic() {
        let end = run_end(chars, i, |c| c.is_ascii_alphabetic());
        let word: String = chars[i..end].iter().collect();
        return (word_element(&word), end);
    }
    if c.is_ascii_digit() {
        let end = run_end(chars, i, |c| c.is_ascii_digit() || c == '.');
        let number: String = chars[i..end].iter().collect();
        return (format!("<mn>{number}</mn>"), end);
    }
    if c == '√' {
        if let Some((inner, next)) = bracketed(chars, i + 1) {
            return (format!("<msqrt>{}</msqrt>", row(&inner)), next);
        }
        if i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            let (radicand, next) = atom(chars, i + 1);
            let (radicand, next) = accents(chars, next, radicand);
            return (format!("<msqrt>{radicand}</msqrt>"), next);
        }
    }
    if let Some((numerator, denominator)) = vulgar_fraction(c) {
        return (
            format!("<mfrac><mn>{numerator}</mn><mn>{denominator}</mn></mfrac>"),
            i + 1,
        );
    }
    let element = if c.is_alphabetic() || c == '∞' {
        format!("<mi>{}</mi>", escape(c))
    } else {
        format!("<mo>{}</mo>", escape(c))
    };
    (element, i + 1)
}

/// Wraps `base` in the accents, subscripts and superscripts that follow `i`.
fn scripts(chars: &[char], i: usize, base: String) -> (String, usize) {
    let (base, mut i) = accents(chars, i, base);
    let mut sub = String::new();
    let mut sup = String::new();
    loop {
        if let Some(end) = script_run_end(chars, i, subscript) {
            let plain: String = chars[i..end]
                .iter()
                .map(|&c| subscript(c).unwrap_or(c))
                .collect();
            sub.push_str(&row(&plain));
            i = end;
        } else if let Some(end) = script_run_end(chars, i, superscript) {
            let plain: String = chars[i..end]
                .iter()
                .map(|&c| superscript(c).unwrap_or(c))
                .collect();
            sup.push_str(&row(&plain));
            i = end;
        } else if let Some((content, end)) = explicit_script(chars, i, '_') {
            sub.push_str(&content);
            i = end;
        } else if let Some((content, end)) = explicit_script(chars, i, '^') {
            sup.push_str(&content);
            i = end;
        } else {
            break;
        }
    }
    let element = match (sub.is_empty(), sup.is_empty()) {
        (true, true) => base,
        (false, true) => format!("<msub>{base}{}</msub>", group(&sub)),
        (true, false) => format!("<msup>{base}{}</msup>", group(&sup)),
        (false, false) => format!("<msubsup>{base}{}{}</msubsup>", group(&sub), group(&sup)),
    };
    (element, i)
}

/// Applies combining hats, tildes and bars after `i` to `base`.
fn accents(chars: &[char], mut i: usize, mut base: String) -> (String, usize) {
    while let Some(mark) = chars.get(i).and_then(|&c| accent(c)) {
        base = format!("<mover accent=\"true\">{base}<mo>{mark}</mo></mover>");
        i += 1;
    }
    (base, i)
}

/// `_x`, `_max` or `^(…)`: the script's MathML and the index after it.
fn explicit_script(chars: &[char], i: usize, marker: char) -> Option<(String, usize)> {
    if chars.get(i) != Some(&marker) {
        return None;
    }
    if let Some((inner, next)) = bracketed(chars, i + 1) {
        return Some((row(&inner), next));
    }
    let next = chars.get(i + 1)?;
    if next.is_whitespace() {
        return None;
    }
    let (content, end) = atom(chars, i + 1);
    Some((content, end))
}

/// The end of a run of script characters at `i` (a `≤` between two of them
/// belongs to the run, as in `Πᵢ≤ₜ`), or `None` if none starts there.
fn script_run_end(chars: &[char], i: usize, map: fn(char) -> Option<char>) -> Option<usize> {
    let mut end = i;
    while end < chars.len() {
        let joins =
            chars[end] == '≤' && end > i && chars.get(end + 1).is_some_and(|&c| map(c).is_some());
        if map(chars[end]).is_none() && !joins {
            break;
        }
        end += 1;
    }
    (end > i).then_some(end)
}

/// The text inside the brackets opening at `i` and the index after the
/// matching close, if `i` opens a bracket.
fn bracketed(chars: &[char], i: usize) -> Option<(String, usize)> {
    if chars.get(i) != Some(&'(') {
        return None;
    }
    let mut depth = 0;
    for (j, &c) in chars.iter().enumerate().skip(i) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((chars[i + 1..j].iter().collect(), j + 1));
                }
            }
            _ => {}
        }
    }
    None
}

fn run_end(chars: &[char], i: usize, keep: impl Fn(char) -> bool) -> usize {
    chars[i..]
        .iter()
        .position(|&c| !keep(c))
        .map_or(chars.len(), |p| i + p)
}

fn word_element(word: &str) -> String {
    if word.chars().count() == 1 || FUNCTIONS.contains(&word) {
        format!("<mi>{word}</mi>")
    } else {
        format!("<mtext>\u{a0}{word}\u{a0}</mtext>")
    }
}

fn group(content: &str) -> String {
    format!("<mrow>{content}</mrow>")
}

fn escape(c: char) -> String {
    match c {
        '<' => "&lt;".into(),
        '>' => "&gt;".into(),
        '&' => "&amp;".into(),
        _ => c.to_string(),
    }
}

fn accent(c: char) -> Option<char> {
    match c {
        '\u{302}' => Some('^'),
        '\u{303}' => Some('~'),
        '\u{304}' => Some('¯'),
        _ => None,
    }
}

fn vulgar_fraction(c: char) -> Option<(u8, u8)> {
    match c {
        '½' => Some((1, 2)),
        '¼' => Some((1, 4)),
        '¾' => Some((3, 4)),
        _ => None,
    }
}

fn subscript(c: char) -> Option<char> {
    Some(match c {
        '₀'..='₉' => char::from_digit(c as u32 - '₀' as u32, 10)?,
        '₊' => '+',
        '₋' => '−',
        'ₐ' => 'a',
        'ₑ' => 'e',
        'ₖ' => 'k',
        'ₘ' => 'm',
        'ₙ' => 'n',
        'ₜ' => 't',
        'ᵢ' => 'i',
        'ⱼ' => 'j',
        _ => return None,
    })
}

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴'..='⁹' => char::from_digit(c as u32 - '⁰' as u32, 10)?,
        '⁻' => '−',
        '⁺' => '+',
        'ᵗ' => 't',
        'ᵀ' => 'T',
        'ᵏ' => 'k',
        'ⁱ' => 'i',
        'ⁿ' => 'n',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{groups, typeset, Item};

    #[test]
    fn lines_break_between_formulas_before_signs_and_around_prose() {
        let parts = groups("αₖ = α, or the line search's choice along −∇f(xₖ)");
        assert_eq!(
            parts,
            vec![
                vec![Item::Formula("αₖ = α,".into())],
                vec![
                    Item::Prose("or the line search's choice along".into()),
                    Item::Formula("−∇f(xₖ)".into())
                ]
            ]
        );
        let parts = groups("θ ← θ − α (1 − μ)/(1 − ν) · g/d");
        assert_eq!(
            parts[0],
            vec![
                Item::Formula("θ ← θ".into()),
                Item::Formula("− α (1 − μ)/(1 − ν) ·".into()),
                Item::Formula("g/d".into())
            ]
        );
        assert_eq!(
            groups("max(a, b) + sign(c)").len(),
            1,
            "functions and brackets stay whole"
        );
    }

    #[test]
    fn scripts_accents_and_roots() {
        let html = typeset("θ ← θ − α m̂ / (√v̂ + ε)");
        assert!(html.contains("<mover accent=\"true\"><mi>m</mi><mo>^</mo></mover>"));
        assert!(html.contains("<msqrt><mover accent=\"true\"><mi>v</mi><mo>^</mo></mover></msqrt>"));
        let html = typeset("Hₖ₊₁ = ∇²f(xₖ)⁻¹");
        assert!(html.contains("<msub><mi>H</mi><mrow><mi>k</mi><mo>+</mo><mn>1</mn></mrow></msub>"));
        assert!(html.contains("<msup><mo>∇</mo><mrow><mn>2</mn></mrow></msup>"));
        assert!(html.contains("<msup><mo>)</mo><mrow><mo>−</mo><mn>1</mn></mrow></msup>"));
        let html = typeset("Δ ← min(2Δ, Δ_max);  0.96^(tψ)  √(u + ε)");
        assert!(html.contains("<msub><mi>Δ</mi><mrow><mi>max</mi></mrow></msub>"));
        assert!(html.contains("<msup><mn>0.96</mn><mrow><mi>t</mi><mi>ψ</mi></mrow></msup>"));
        assert!(html.contains("<msqrt><mi>u</mi><mo>+</mo><mi>ε</mi></msqrt>"));
        assert_eq!(
            html.matches("<math>").count(),
            3,
            "formulas set apart by two spaces"
        );
    }

    #[test]
    fn prose_is_text_and_lines_are_blocks() {
        let html = typeset("a\nb with c");
        assert_eq!(html.matches("<p class=\"eq\">").count(), 2);
        assert!(
            html.contains("<span class=\"prose\">with</span><math><mrow><mi>c</mi>"),
            "{html}"
        );
        assert!(typeset("Πᵢ≤ₜ μᵢ").contains("<mi>i</mi><mo>≤</mo><mi>t</mi>"));
    }
}
