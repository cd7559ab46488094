//! HTML tables (what many economy systems' "export to Excel" writes):
//! rows of cells, tags dropped and entities decoded.
/// The rows of the HTML tables in `text`: each `<tr>` a record, each
/// `<td>`/`<th>` a cell, tags dropped and entities decoded.
pub fn html_rows(text: &str) -> Vec<Vec<String>> {
    let lower = text.to_ascii_lowercase();
    let mut rows = Vec::new();
    let mut pos = 0;
    while let Some(start) = lower.get(pos..).and_then(|t| t.find("<tr")).map(|i| i + pos) {
        let end = lower
            .get(start + 3..)
            .and_then(|t| t.find("<tr").or_else(|| t.find("</table")))
            .map_or(lower.len(), |i| i + start + 3);
        let row_text = text.get(start..end).unwrap_or("");
        let row_lower = lower.get(start..end).unwrap_or("");
        let mut cells = Vec::new();
        let mut cpos = 0;
        loop {
            let td = row_lower.get(cpos..).and_then(|t| t.find("<td")).map(|i| i + cpos);
            let th = row_lower.get(cpos..).and_then(|t| t.find("<th")).map(|i| i + cpos);
            let Some(open) = [td, th].into_iter().flatten().min() else {
                break;
            };
            let Some(content) = row_lower.get(open..).and_then(|t| t.find('>')).map(|i| i + open + 1) else {
                break;
            };
            let close = ["</td", "</th", "<td", "<th"]
                .iter()
                .filter_map(|m| row_lower.get(content..).and_then(|t| t.find(m)))
                .min()
                .map_or(row_lower.len(), |i| i + content);
            let span = row_lower
                .get(open..content)
                .and_then(|tag| tag.split("colspan=").nth(1))
                .and_then(|v| {
                    v.trim_start_matches(['"', '\''])
                        .split(|c: char| !c.is_ascii_digit())
                        .next()
                })
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 100);
            cells.push(html_text(row_text.get(content..close).unwrap_or("")));
            for _ in 1..span {
                cells.push(String::new());
            }
            cpos = close.max(content);
        }
        rows.push(cells);
        pos = end;
    }
    rows
}

/// A cell's text: tags dropped, entities decoded, whitespace collapsed.
pub(super) fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let mut decoded = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(amp) = rest.find('&') {
        decoded.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp..).unwrap_or("");
        let semi = after.find(';').filter(|&i| i <= 10);
        let entity = semi.and_then(|i| after.get(1..i));
        let ch = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some("nbsp") => Some('\u{a0}'),
            Some("auml") => Some('ä'),
            Some("Auml") => Some('Ä'),
            Some("ouml") => Some('ö'),
            Some("Ouml") => Some('Ö'),
            Some("aring") => Some('å'),
            Some("Aring") => Some('Å'),
            Some("eacute") => Some('é'),
            Some("Eacute") => Some('É'),
            Some("uuml") => Some('ü'),
            Some("Uuml") => Some('Ü'),
            Some("minus") => Some('−'),
            Some(e) if e.starts_with("#x") || e.starts_with("#X") => e
                .get(2..)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e.get(1..).and_then(|d| d.parse().ok()).and_then(char::from_u32),
            _ => None,
        };
        match (ch, semi) {
            (Some(c), Some(i)) => {
                decoded.push(c);
                rest = after.get(i + 1..).unwrap_or("");
            }
            _ => {
                decoded.push('&');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    decoded.push_str(rest);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}
