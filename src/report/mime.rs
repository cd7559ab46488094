//! A mail draft written by hand: RFC 5322 headers and a MIME
//! `multipart/mixed` body (RFC 2045–2047) with one text part and one
//! attachment, its file name encoded both ways mail programs read
//! (RFC 2231 `filename*`, RFC 2047 `name`). Every line ends in CRLF and
//! is at most 76 characters long. Nothing here sends anything.

/// The line end of a mail.
pub(crate) const CRLF: &str = "\r\n";

/// The longest line written (RFC 2045's limit for encoded text).
pub(crate) const MAX_LINE: usize = 76;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 (RFC 4648) without line breaks.
pub(crate) fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, each ending in CRLF (a MIME body).
pub(crate) fn base64_lines(bytes: &[u8]) -> String {
    let encoded = base64(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / MAX_LINE * 2 + 2);
    // Base64 is ASCII: byte chunks are whole characters.
    for line in encoded.as_bytes().chunks(MAX_LINE) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push_str(CRLF);
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7) of UTF-8 text: its line ends become
/// CRLF; longer lines get soft breaks (`=` at the end) so that no line is
/// longer than 76 characters; a character's bytes are never split.
pub(crate) fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 11 / 10);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push_str(CRLF);
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let count = line.chars().count();
        let mut width = 0;
        for (i, c) in line.chars().enumerate() {
            let last = i + 1 == count;
            let token = if (c == ' ' || c == '\t') && last {
                format!("={:02X}", c as u32)
            } else if c == ' ' || (c.is_ascii_graphic() && c != '=') {
                c.to_string()
            } else {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf).bytes().map(|b| format!("={b:02X}")).collect()
            };
            // Room for the soft break's `=`, unless this ends the line.
            let room = if last { MAX_LINE } else { MAX_LINE - 1 };
            if width + token.len() > room {
                out.push('=');
                out.push_str(CRLF);
                width = 0;
            }
            width += token.len();
            out.push_str(&token);
        }
    }
    out
}

/// RFC 2047 encoded words (`=?utf-8?B?…?=`) for a text, each at most
/// `max` characters long and never splitting a character.
pub(crate) fn encoded_words(text: &str, max: usize) -> Vec<String> {
    // 12 characters of frame; 4 base64 characters carry 3 bytes.
    let bytes_per_word = ((max.saturating_sub(12)) / 4 * 3).max(4);
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > bytes_per_word && !chunk.is_empty() {
            // Break after a space where there is one: some readers put a
            // space between words, which must not split a name.
            let cut = chunk.rfind(' ').filter(|&i| i > 0).map_or(chunk.len(), |i| i + 1);
            let rest = chunk.split_off(cut);
            words.push(format!("=?utf-8?B?{}?=", base64(chunk.as_bytes())));
            chunk = rest;
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(format!("=?utf-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words
}

/// Control characters out (a header never carries a line break from input).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A header line, folded at its pieces' spaces so that no line is longer
/// than 76 characters (a piece longer than a line stands alone).
fn fold(name: &str, pieces: &[String]) -> String {
    let mut out = format!("{name}:");
    let mut width = out.len();
    for p in pieces {
        if width + 1 + p.len() > MAX_LINE && width > 1 {
            out.push_str(CRLF);
            width = 0;
        }
        out.push(' ');
        out.push_str(p);
        width += 1 + p.len();
    }
    out.push_str(CRLF);
    out
}

/// A header with free text (Subject): as it is when it is plain ASCII and
/// fits, else as encoded words.
pub(crate) fn text_header(name: &str, value: &str) -> String {
    let value = clean(value);
    let plain = value.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    if plain && name.len() + 2 + value.len() <= MAX_LINE && !value.contains("=?") {
        return format!("{name}: {value}{CRLF}");
    }
    // The first word shares its line with the name.
    fold(name, &encoded_words(&value, MAX_LINE - 1 - name.len() - 2))
}

/// True for an address a mail program takes: `local@domain.tld`, ASCII,
/// no spaces, brackets, quotes or control characters.
pub(crate) fn valid_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_graphic() && !"<>()[]\\,;:\"@".contains(c))
            && !s.starts_with('.')
            && !s.ends_with('.')
            && !s.contains("..")
    };
    ok(local) && ok(domain) && domain.contains('.')
}

/// The addresses of an *E-post* cell (several separated by `;` or `,`), or
/// `None` when any of them is not an address.
pub(crate) fn addresses(cell: &str) -> Option<Vec<String>> {
    let list: Vec<String> = cell
        .split([';', ','])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| a.trim_start_matches("mailto:").to_string())
        .collect();
    (!list.is_empty() && list.iter().all(|a| valid_address(a))).then_some(list)
}

/// The `To` header: the name (encoded when it is not plain ASCII) and the
/// addresses.
fn to_header(name: &str, addresses: &[String]) -> String {
    let name = clean(name);
    let mut pieces: Vec<String> = if name.is_empty() {
        Vec::new()
    } else if name.chars().all(|c| c.is_ascii_alphanumeric() || " .-".contains(c)) {
        name.split(' ').filter(|w| !w.is_empty()).map(String::from).collect()
    } else {
        encoded_words(&name, MAX_LINE - 5)
    };
    let n = addresses.len();
    for (i, a) in addresses.iter().enumerate() {
        let comma = if i + 1 < n { "," } else { "" };
        pieces.push(format!("<{a}>{comma}"));
    }
    fold("To", &pieces)
}

/// RFC 2231 percent-encoding of UTF-8: everything but attr-char as `%XX`.
pub(crate) fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `filename` parameter: quoted when plain ASCII, else RFC 2231
/// (`filename*=utf-8''…`, in numbered pieces when long).
fn filename_param(name: &str) -> Vec<String> {
    let plain = name
        .chars()
        .all(|c| (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\');
    if plain && name.len() <= MAX_LINE - 13 {
        return vec![format!("filename=\"{name}\"")];
    }
    let encoded = percent_encode(name);
    if encoded.len() <= MAX_LINE - 20 {
        return vec![format!("filename*=utf-8''{encoded}")];
    }
    // Pieces of at most 50 characters, never splitting a `%XX`.
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    let mut rest = encoded.as_str();
    while !rest.is_empty() {
        let take = if rest.starts_with('%') { 3.min(rest.len()) } else { 1 };
        if piece.len() + take > 50 {
            pieces.push(std::mem::take(&mut piece));
        }
        let (head, tail) = rest.split_at(take);
        piece.push_str(head);
        rest = tail;
    }
    pieces.push(piece);
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let charset = if i == 0 { "utf-8''" } else { "" };
            format!("filename*{i}*={charset}{p}")
        })
        .collect()
}

/// A header with parameters, each on its own folded line.
fn params_header(name: &str, value: &str, params: &[String]) -> String {
    let mut out = if name.len() + 2 + value.len() < MAX_LINE {
        format!("{name}: {value}")
    } else {
        format!("{name}:{CRLF} {value}")
    };
    for p in params {
        out.push(';');
        out.push_str(CRLF);
        out.push(' ');
        out.push_str(p);
    }
    out.push_str(CRLF);
    out
}

/// The content type of an xlsx workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One draft: to whom, what it says, what it carries.
#[derive(Debug, Clone)]
pub(crate) struct Draft<'a> {
    pub to_name: &'a str,
    pub to: &'a [String],
    pub subject: &'a str,
    /// RFC 5322 date, e.g. `Sun, 6 Dec 2026 07:00:00 +0100`.
    pub date: &'a str,
    /// Without the angle brackets: `id@host`.
    pub message_id: &'a str,
    pub body: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub attachment: &'a [u8],
}

impl Draft<'_> {
    /// The whole message, CRLF line ends; `X-Unsent: 1` makes Outlook open
    /// it as a draft to send.
    pub(crate) fn render(&self) -> Vec<u8> {
        let boundary = format!("=_avropskoll_{}", self.message_id.split('@').next().unwrap_or("part"));
        let boundary: String = boundary
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "=_.".contains(*c))
            .take(60)
            .collect();
        let mut m = String::new();
        m.push_str(&to_header(self.to_name, self.to));
        m.push_str(&text_header("Subject", self.subject));
        m.push_str(&format!("Date: {}{CRLF}", clean(self.date)));
        m.push_str(&format!("Message-ID: <{}>{CRLF}", clean(self.message_id)));
        m.push_str(&format!("MIME-Version: 1.0{CRLF}"));
        m.push_str(&format!("X-Unsent: 1{CRLF}"));
        m.push_str(&params_header(
            "Content-Type",
            "multipart/mixed",
            &[format!("boundary=\"{boundary}\"")],
        ));
        m.push_str(&format!("{CRLF}This is a multi-part message in MIME format.{CRLF}"));
        m.push_str(&format!("--{boundary}{CRLF}"));
        m.push_str(&format!("Content-Type: text/plain; charset=utf-8{CRLF}"));
        m.push_str(&format!("Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}"));
        m.push_str(&quoted_printable(self.body));
        m.push_str(&format!("{CRLF}--{boundary}{CRLF}"));
        let file_name = clean(self.file_name);
        let mut name = encoded_words(&file_name, MAX_LINE - 10).join(&format!("{CRLF} "));
        // The plain form only when its line (` name="…";`) fits; else the
        // encoded words, which fold.
        let plain = file_name.chars().all(|c| c.is_ascii_graphic() || c == ' ') && !file_name.contains('"');
        if plain && " name=\"\";".len() + file_name.len() <= MAX_LINE {
            name = file_name.clone();
        }
        m.push_str(&params_header(
            "Content-Type",
            self.content_type,
            &[format!("name=\"{name}\"")],
        ));
        m.push_str(&params_header(
            "Content-Disposition",
            "attachment",
            &filename_param(&file_name),
        ));
        m.push_str(&format!("Content-Transfer-Encoding: base64{CRLF}{CRLF}"));
        m.push_str(&base64_lines(self.attachment));
        m.push_str(&format!("--{boundary}--{CRLF}"));
        m.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        // RFC 4648 §10's test vectors.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
        // Ö is C3 96: 110000 111001 0110(00) → w 5 Y =.
        assert_eq!(base64("Ö".as_bytes()), "w5Y=");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn base64_lines_are_76_characters() {
        // 100 bytes → 136 characters → 76 + 60.
        let s = base64_lines(&[7u8; 100]);
        let lines: Vec<&str> = s.split_terminator("\r\n").collect();
        assert_eq!(lines.iter().map(|l| l.len()).collect::<Vec<_>>(), [76, 60]);
        assert!(s.ends_with("\r\n"));
    }

    #[test]
    fn quoted_printable_encodes_swedish_and_breaks_long_lines() {
        // å = C3 A5, ö = C3 B6, '=' = 3D; a final space is =20.
        assert_eq!(quoted_printable("Hej Åsa, ö=1 "), "Hej =C3=85sa, =C3=B6=3D1=20");
        assert_eq!(quoted_printable("a\nb\n"), "a\r\nb\r\n");
        assert_eq!(quoted_printable("a\r\nb"), "a\r\nb");
        // 100 'ä' (6 characters each): 12 fit a line with its '=' (72 + 1).
        let s = quoted_printable(&"ä".repeat(100));
        let lines: Vec<&str> = s.split("\r\n").collect();
        assert!(lines.iter().all(|l| l.len() <= MAX_LINE), "{lines:?}");
        assert_eq!(lines[0].len(), 73);
        assert_eq!(lines.len(), 9, "100 / 12 → 9 lines");
        assert!(lines[..8].iter().all(|l| l.ends_with('=')));
        // 80 plain characters: 75 and '=', then 5.
        let s = quoted_printable(&"x".repeat(80));
        assert_eq!(s, format!("{}=\r\n{}", "x".repeat(75), "x".repeat(5)));
    }

    #[test]
    fn encoded_words_hold_whole_characters() {
        // "Öster" = C3 96 73 74 65 72 → base64 w5ZzdGVy.
        assert_eq!(encoded_words("Öster", 75), ["=?utf-8?B?w5ZzdGVy?="]);
        // At most 20 characters: (20 - 12) / 4 * 3 = 6 bytes a word: "åäö" is
        // 6 bytes, then "x".
        assert_eq!(
            encoded_words("åäöx", 20),
            [
                format!("=?utf-8?B?{}?=", base64("åäö".as_bytes())),
                "=?utf-8?B?eA==?=".into()
            ]
        );
        let long = encoded_words(&"Fördelning ".repeat(20), 75);
        assert!(long.iter().all(|w| w.len() <= 75), "{long:?}");
    }

    #[test]
    fn headers_fold_within_76_characters() {
        assert_eq!(text_header("Subject", "Plain text"), "Subject: Plain text\r\n");
        let h = text_header(
            "Subject",
            "Ramavtalens fördelning 2025-H2 – Sektion Öster med ett långt namn",
        );
        assert!(h.starts_with("Subject: =?utf-8?B?"));
        assert!(h.split("\r\n").all(|l| l.len() <= MAX_LINE), "{h}");
        assert!(h.split("\r\n").skip(1).all(|l| l.is_empty() || l.starts_with(' ')));
        // A line break from input never reaches a header.
        assert_eq!(text_header("Subject", "a\r\nBcc: x"), "Subject: a  Bcc: x\r\n");
        assert_eq!(
            to_header("Anna Berg", &["anna@example.se".into()]),
            "To: Anna Berg <anna@example.se>\r\n"
        );
        let to = to_header("Åsa Öberg", &["a@x.se".into(), "b@x.se".into()]);
        assert_eq!(
            to,
            format!(
                "To: =?utf-8?B?{}?= <a@x.se>, <b@x.se>\r\n",
                base64("Åsa Öberg".as_bytes())
            )
        );
    }

    #[test]
    fn file_names_follow_rfc_2231() {
        assert_eq!(filename_param("Norr.xlsx"), ["filename=\"Norr.xlsx\""]);
        // Ö = %C3%96, space = %20.
        assert_eq!(
            filename_param("Sektion Öster.xlsx"),
            ["filename*=utf-8''Sektion%20%C3%96ster.xlsx"]
        );
        let long = filename_param(&format!("{}.xlsx", "ö".repeat(20)));
        assert!(long.len() > 1);
        assert!(long[0].starts_with("filename*0*=utf-8''%C3%B6"));
        assert!(long[1].starts_with("filename*1*=%C3%B6"), "{long:?}");
        assert!(long.iter().all(|p| p.len() < MAX_LINE - 2));
    }

    #[test]
    fn addresses_are_checked() {
        assert_eq!(
            addresses("anna.berg@example.se"),
            Some(vec!["anna.berg@example.se".to_string()])
        );
        assert_eq!(
            addresses(" a@x.se; b@y.se "),
            Some(vec!["a@x.se".to_string(), "b@y.se".to_string()])
        );
        assert_eq!(addresses("mailto:a@x.se"), Some(vec!["a@x.se".to_string()]));
        for bad in [
            "",
            "anna",
            "anna(at)x.se",
            "a b@x.se",
            "å@x.se",
            "a@x",
            "a@x.se; nej",
            "a@@x.se",
            "<a@x.se>",
        ] {
            assert_eq!(addresses(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_draft_has_crlf_lines_within_76_characters() {
        let to = ["anna@example.se".to_string()];
        let attachment: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let d = Draft {
            to_name: "Anna Öberg",
            to: &to,
            subject: "Ramavtalens fördelning 2025-H2 – Sektion Öster",
            date: "Sun, 6 Dec 2026 07:00:00 +0100",
            message_id: "20261206070000.1@avropskoll.invalid",
            body: "Hej Anna,\n\nen rad som är ganska lång och som därför bryts med mjuka radbrytningar i quoted-printable.\n",
            file_name: "Sektion Öster.xlsx",
            content_type: XLSX,
            attachment: &attachment,
        };
        let text = String::from_utf8(d.render()).expect("ASCII");
        assert!(text.is_ascii());
        assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
        assert!(!text.replace("\r\n", "").contains('\r'), "bare CR");
        assert!(text.split("\r\n").all(|l| l.len() <= MAX_LINE));
        assert!(text.contains("\r\nX-Unsent: 1\r\n"));
        assert!(text.contains(&base64_lines(&attachment)));
        assert!(text.ends_with("--=_avropskoll_20261206070000.1--\r\n"));
    }

    #[test]
    fn a_long_plain_file_name_folds_too() {
        let to = ["anna@example.se".to_string()];
        let name = "Section Southern District Facilities Management and Maintenance Long Name X.xlsx";
        let d = Draft {
            to_name: "Anna",
            to: &to,
            subject: "S",
            date: "Sun, 6 Dec 2026 07:00:00 +0100",
            message_id: "1@avropskoll.invalid",
            body: "Hej\n",
            file_name: name,
            content_type: XLSX,
            attachment: b"x",
        };
        let text = String::from_utf8(d.render()).expect("ASCII");
        let long: Vec<&str> = text.split("\r\n").filter(|l| l.len() > MAX_LINE).collect();
        assert!(long.is_empty(), "{long:?}");
        assert!(!text.contains(&format!("name=\"{name}\"")));
    }
}
