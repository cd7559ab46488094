//! Numbers as people read them, in the user's language: below every stage,
//! so that any stage may word a message with an amount.

use crate::lang::Lang;
use crate::parse::{format_fixed, AMOUNT_SCALE};

/// An amount in SEK for people: `1 234 567,89` (sv) or `1,234,567.89` (en).
pub fn sek(units: i128, lang: Lang) -> String {
    match lang {
        Lang::Sv => format_grouped(units, "\u{a0}", ','),
        Lang::En => format_grouped(units, ",", '.'),
    }
}

/// An amount with its unit: `1 234 567,89 kr` or `1,234,567.89 SEK`.
pub fn sek_unit(units: i128, lang: Lang) -> String {
    format!("{} {}", sek(units, lang), lang.pick("kr", "SEK"))
}

/// A whole number grouped by thousands: `26 410` or `26,410`.
pub fn count(n: u64, lang: Lang) -> String {
    let (group, decimal) = lang.pick(("\u{a0}", ','), (",", '.'));
    let s = format_grouped(n as i128 * crate::parse::AMOUNT_SCALE as i128, group, decimal);
    s.rsplit_once(decimal).map_or(s.clone(), |(whole, _)| whole.to_string())
}

/// Writes an amount given in 1/10 000 SEK with two decimals, the integer
/// digits grouped in threes by `group` (empty for none), `decimal` as the
/// decimal separator and a leading `-` when negative (`1 234,50`).
pub fn format_grouped(value: i128, group: &str, decimal: char) -> String {
    let plain = format_fixed(value, AMOUNT_SCALE as i128, 2);
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest.split_once('.').unwrap_or((rest, "00"));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(c);
    }
    out.push(decimal);
    out.push_str(frac);
    out
}

/// Formats a float with a fixed number of decimals, never printing `-0.00`.
pub fn format_float(value: f64, decimals: usize) -> String {
    let s = format!("{value:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A number with `decimals` decimals in the language's form (`99,00`).
pub fn format_number(value: f64, decimals: usize, lang: Lang) -> String {
    let s = format_float(value, decimals);
    lang.pick(s.replace('.', ","), s)
}

/// A number as a person would type it: at most two decimals, no trailing
/// zeros (`99`, `33,33`).
pub fn plain_number(value: f64, lang: Lang) -> String {
    let s = format_number(value, 2, lang);
    let sep = lang.pick(',', '.');
    if s.contains(sep) {
        s.trim_end_matches('0').trim_end_matches(sep).to_string()
    } else {
        s
    }
}

/// Kronor in the language's form with ordinary spaces (copied text and
/// searches find `1 705 518`); `decimals` 0 or 2.
pub fn kr(units: i128, decimals: u32, lang: Lang) -> String {
    let scale = AMOUNT_SCALE as i128;
    let (group, decimal) = lang.pick((" ", ','), (",", '.'));
    let text = if decimals == 0 {
        // Whole kronor, rounded half away from zero.
        let whole = (units.abs() + scale / 2) / scale * scale * units.signum();
        let s = format_grouped(whole, group, decimal);
        s.rsplit_once(decimal).map_or(s.clone(), |(int, _)| int.to_string())
    } else {
        format_grouped(units, lang.pick("\u{a0}", ","), decimal)
    };
    format!("{text} {}", lang.pick("kr", "SEK"))
}
