//! The mail drafts to the section heads (`sektioner/utkast/*.eml`) read
//! back as a mail program reads them: Python's `email` package parses
//! each draft, the attachment must decode to the section workbook byte
//! for byte, the headers to their å/ä/ö text, and the body must name the
//! section's imbalanced agreements and the suppliers to call off from.

use super::common::{fixture, sheet, xlsx_part as part, Workdir};
use calamine::Data;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Parses every draft of a folder with Python's `email` (the modern,
/// strict policy) and prints one `key<TAB>value` line per fact.
const PARSE: &str = r#"
import email, email.policy, glob, os, sys
folder = sys.argv[1]
for path in sorted(glob.glob(os.path.join(folder, '*.eml'))):
    raw = open(path, 'rb').read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    out = {'file': os.path.basename(path), 'to': str(m['To']), 'subject': str(m['Subject']),
           'date': str(m['Date']), 'message_id': str(m['Message-ID']), 'x_unsent': str(m['X-Unsent']),
           'mime': str(m['MIME-Version']), 'type': m.get_content_type()}
    defects = list(m.defects)
    for part in m.walk():
        defects += list(part.defects)
    out['defects'] = str(len(defects))
    out['parts'] = ','.join(p.get_content_type() for p in m.walk())
    atts = list(m.iter_attachments())
    out['attachments'] = str(len(atts))
    att = atts[0]
    out['att_name'] = att.get_filename()
    out['att_type'] = att.get_content_type()
    data = att.get_content()
    workbook = os.path.join(folder, '..', att.get_filename())
    out['att_identical'] = str(data == open(workbook, 'rb').read())
    out['att_bytes'] = str(len(data))
    out['body'] = m.get_body(('plain',)).get_content().replace('\n', '\\n')
    for k, v in out.items():
        print(k + '\t' + v)
    print('end\t')
"#;

/// The facts of every draft, by file name; `None` when python3 is missing.
fn parse(folder: &Path) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    let out = match Command::new("python3").arg("-c").arg(PARSE).arg(folder).output() {
        Ok(out) => out,
        Err(e) => {
            println!("python3 not found ({e}): the drafts are not parsed by a mail parser in this run");
            return None;
        }
    };
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut drafts = BTreeMap::new();
    let mut current = BTreeMap::new();
    for line in stdout.lines() {
        let (k, v) = line.split_once('\t').expect("key and value");
        if k == "end" {
            let file = current.get("file").cloned().expect("file");
            drafts.insert(file, std::mem::take(&mut current));
        } else {
            current.insert(k.to_string(), v.replace("\\n", "\n"));
            if k == "body" {
                // Wrapped lines and non-breaking spaces as plain spaces.
                let flat = v.replace("\\n", " ").split_whitespace().collect::<Vec<_>>().join(" ");
                current.insert("flat".to_string(), flat);
            }
        }
    }
    Some(drafts)
}

/// Runs the base fixture for 2019-H1 with the organisation file of five
/// sections; returns the drafts' folder and stdout.
fn run(w: &Workdir, extra: &[&str]) -> (PathBuf, String) {
    let mut run = w.run("2019-H1", &fixture("register.toml"), &fixture("base.csv"));
    run.args(["--min-call-offs", "2", "--organisation"])
        .arg(fixture("organisation-mail.csv"))
        .args(extra);
    let stdout = w.output(&mut run).expect_code(0).stdout;
    (w.path("out/2019-H1/sektioner/utkast"), stdout)
}

/// Runs 2024-H1 on `register` and `exports` with the organisation file of
/// one section (Sektion Öster, unit Öster, Örjan Ål); returns the drafts'
/// folder.
fn run_oster(w: &Workdir, register: &str, exports: &str) -> PathBuf {
    let org = w.write(
        "org.csv",
        "Ansvar;Sektion;Sektionschef;E-post\nÖster;Sektion Öster;Örjan Ål;orjan@example.se\n",
    );
    let register = w.write("register.toml", register);
    let exports = w.write("exports.csv", exports);
    w.run("2024-H1", &register, &exports)
        .args(["--min-call-offs", "2", "--organisation"])
        .arg(&org)
        .assert()
        .success();
    w.path("out/2024-H1/sektioner/utkast")
}

/// Every line of a draft ends in CRLF and has at most 76 characters.
fn check_lines(path: &Path) {
    let raw = std::fs::read(path).expect("draft");
    assert!(raw.is_ascii(), "{}: a draft is 7-bit ASCII", path.display());
    let text = String::from_utf8(raw).expect("ASCII");
    assert!(text.ends_with("\r\n"));
    for line in text.split("\r\n") {
        assert!(!line.contains('\n') && !line.contains('\r'), "a bare line end");
        assert!(line.len() <= 76, "{}: {line:?}", path.display());
    }
}

#[test]
fn a_draft_per_section_with_an_address_its_workbook_attached() {
    let w = Workdir::new();
    let (folder, stdout) = run(&w, &[]);
    // Nord, Söder and Öster have addresses; Väster's is not one, Stab has none.
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("utkast")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Sektion Nord.eml", "Sektion Söder.eml", "Sektion Öster.eml"]);
    for n in &names {
        check_lines(&folder.join(n));
    }
    // The terminal's last lines: the folder, how to send, who got none.
    let tail: Vec<&str> = stdout.lines().rev().take(3).collect();
    assert_eq!(
        tail[0],
        "Inget utkast för Sektion Väster ('dan.ek(at)example.se' är ingen e-postadress), Sektion Stab: lägg till E-post i organisationsfilen."
    );
    assert!(tail[1].starts_with("Öppna varje utkast i Outlook"), "{}", tail[1]);
    assert!(tail[2].ends_with("2019-H1/sektioner/utkast/"), "{}", tail[2]);
    assert!(tail[2].contains("(3 st, med arbetsboken bifogad)"), "{}", tail[2]);
    // The main workbook's summary names them among the warnings.
    let summary = sheet(&w.path("out/2019-H1/fordelning-2019-H1.xlsx"), "Sammanfattning");
    assert!(
        summary.cells().any(|(_, _, c)| matches!(c, Data::String(s) if s
            == "2 sektioner saknar e-postadress och får inget utkast till mejl: Sektion Väster ('dan.ek(at)example.se' är ingen e-postadress), Sektion Stab – lägg till E-post i organisationsfilen")),
        "the warning on Sammanfattning"
    );
    let Some(drafts) = parse(&folder) else { return };
    for (file, d) in &drafts {
        assert_eq!(d["defects"], "0", "{file}");
        assert_eq!(d["x_unsent"], "1");
        assert_eq!(d["mime"], "1.0");
        assert_eq!(d["type"], "multipart/mixed");
        assert_eq!(
            d["parts"],
            "multipart/mixed,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(d["attachments"], "1");
        assert_eq!(
            d["att_identical"], "True",
            "{file}: the attachment is the workbook byte for byte"
        );
        assert!(d["message_id"].ends_with("@avropskoll.invalid>"), "{}", d["message_id"]);
        assert!(!d["date"].is_empty());
        let section = file.trim_end_matches(".eml");
        assert_eq!(d["subject"], format!("Ramavtalens fördelning 2019-H1 – {section}"));
        assert_eq!(d["att_name"], format!("{section}.xlsx"));
        // The workbook named as the user sees it (its spaces do not break).
        let body = &d["flat"];
        assert!(
            d["flat"].contains(&format!("bifogade arbetsboken {section}.xlsx.")),
            "{body}"
        );
    }
    let nord = &drafts["Sektion Nord.eml"];
    assert_eq!(nord["to"], "Anna Berg <anna.berg@example.se>");
    // Norr's counted RA-1 call-offs in the window all went to Måleri Syd
    // (its other rows are Byggmax, outside the agreement, or unreadable).
    let body = &nord["flat"];
    assert!(body.starts_with("Hej Anna Berg, här kommer"), "{body}");
    assert!(body.contains("- RA-1 Målning (fördelning efter belopp)"), "{body}");
    assert!(body.contains("Måleri Syd AB 100,0 % (nyckeln 50 %)"), "{body}");
    // To date (from 2018-10-01) Måleri Syd and Färg & Fasad are behind the
    // key (as the section workbook's ask says).
    assert!(
        body.contains("Nästa avrop bör gå till Måleri Syd AB och Färg & Fasad AB"),
        "{body}"
    );
    assert!(!body.contains("RA-2"), "Nord did not use RA-2");
    // The section's units that called off RA-1 in the window.
    assert!(body.contains("Ansvar: Norr."), "{body}");
    // Söder: RA-1 in the window is 600 (Färg & Fasad) and 400 − 100 = 300
    // (Penselkungen): 600 / 900 = 66,7 %, 300 / 900 = 33,3 %.
    let soder = &drafts["Sektion Söder.eml"];
    assert_eq!(soder["to"], "Åsa Öberg <asa.oberg@example.se>");
    assert!(
        soder["flat"].contains("Färg & Fasad AB 66,7 % (nyckeln 30 %)"),
        "{}",
        soder["flat"]
    );
    assert!(
        soder["flat"].contains("Penselkungen AB 33,3 % (nyckeln"),
        "{}",
        soder["flat"]
    );
    // Öster: RA-2 by count: Elkraft 1 call-off, Ljus 1 in the window → 50/50;
    // Elkraft (key 60 %) is behind. Two addresses in one cell.
    let oster = &drafts["Sektion Öster.eml"];
    assert_eq!(oster["to"], "Örjan Ål <orjan.al@example.se>, ledning@example.se");
    assert!(
        oster["flat"].contains("- RA-2 El (fördelning efter antal avrop)"),
        "{}",
        oster["flat"]
    );
    assert!(
        oster["flat"].contains("Elkraft AB 50,0 % (nyckeln 60 %), Ljus AB 50,0 % (nyckeln 40 %)"),
        "{}",
        oster["flat"]
    );
    assert!(
        oster["flat"].contains("Nästa avrop bör gå till Elkraft AB"),
        "{}",
        oster["flat"]
    );
}

#[test]
fn drafts_in_english() {
    let w = Workdir::new();
    let (folder, stdout) = run(&w, &["--lang", "en"]);
    assert!(stdout.contains("Open each draft in Outlook (double-click), check it and send it. Nothing has been sent."));
    assert!(
        stdout
            .trim_end()
            .ends_with("Sektion Stab: add E-post to the organisation file."),
        "{stdout}"
    );
    let Some(drafts) = parse(&folder) else { return };
    let nord = &drafts["Sektion Nord.eml"];
    assert_eq!(nord["subject"], "Framework agreements' split 2019-H1 – Sektion Nord");
    let body = &nord["flat"];
    assert!(body.starts_with("Dear Anna Berg, here is"), "{body}");
    assert!(body.contains("- RA-1 Målning (split by amount)"), "{body}");
    assert!(body.contains("Måleri Syd AB 100.0% (key 50%)"), "{body}");
    assert!(
        body.contains("The next call-offs should go to Måleri Syd AB and Färg & Fasad AB"),
        "{body}"
    );
    assert!(body.contains("is in the attached workbook"), "{body}");
}

#[test]
fn a_draft_names_the_ceilings_its_section_reached_or_nears() {
    let w = Workdir::new();
    let folder = run_oster(
        &w,
        "[[agreement]]\nid = \"RA-T\"\nname = \"Städ\"\nvalid_from = 2024-01-01\nvalid_to = 2025-12-31\nceiling_sek = 1000\n\n  [[agreement.supplier]]\n  name = \"Alfa AB\"\n  share = 50\n\n  [[agreement.supplier]]\n  name = \"Beta AB\"\n  share = 50\n",
        "Bokföringsdatum;Leverantör;Belopp;Avtal;Ansvar\n2024-02-01;Alfa AB;700;RA-T;Öster\n2024-03-01;Alfa AB;200;RA-T;Öster\n2024-04-01;Beta AB;50;RA-T;Öster\n",
    );
    check_lines(&folder.join("Sektion Öster.eml"));
    let Some(drafts) = parse(&folder) else { return };
    let d = &drafts["Sektion Öster.eml"];
    assert_eq!(d["att_identical"], "True");
    let body = &d["flat"];
    // 700 + 200 = 900 to Alfa, 50 to Beta: 900 / 950 = 94,7 %, 50 / 950 = 5,3 %.
    assert!(
        body.contains("Alfa AB 94,7 % (nyckeln 50 %), Beta AB 5,3 % (nyckeln 50 %)"),
        "{body}"
    );
    assert!(body.contains("Nästa avrop bör gå till Beta AB"), "{body}");
    // 950 of 1 000 used: 95,0 %, above the default warning level of 80 %.
    assert!(body.contains("Takvolym som är nådd eller nära"), "{body}");
    assert!(
        body.contains("- RA-T Städ: Nära taket – 95,0 % av takvolymen (1 000,00 kr) är använd."),
        "{body}"
    );
}

#[test]
fn long_texts_on_sammanfattning_wrap_within_the_table() {
    let w = Workdir::new();
    run(&w, &[]);
    // The main workbook: the files read (row 5) and the warning (row 10)
    // span B–N, wrapped, instead of running off to the right and widening
    // the page that fit-to-width then shrinks.
    let main = part(
        &w.path("out/2019-H1/fordelning-2019-H1.xlsx"),
        "xl/worksheets/sheet1.xml",
    );
    for range in ["B5:N5", "C6:N6", "B10:N10"] {
        assert!(main.contains(&format!("<mergeCell ref=\"{range}\"/>")), "{range}");
    }
    // A section workbook: title, head, the two sentences over A–H.
    let section = part(
        &w.path("out/2019-H1/sektioner/Sektion Nord.xlsx"),
        "xl/worksheets/sheet1.xml",
    );
    for range in ["A1:H1", "A2:H2", "A4:H4", "A5:H5"] {
        assert!(section.contains(&format!("<mergeCell ref=\"{range}\"/>")), "{range}");
    }
    let styles = part(&w.path("out/2019-H1/sektioner/Sektion Nord.xlsx"), "xl/styles.xml");
    assert!(styles.contains("wrapText=\"1\""));
}

#[test]
fn a_draft_words_a_rank_order_by_rank_and_its_undocumented_skips() {
    let w = Workdir::new();
    let folder = run_oster(
        &w,
        "[[agreement]]\nid = \"RA-R\"\nname = \"Järnhandel\"\nvalid_from = 2024-01-01\nvalid_to = 2025-12-31\nmodel = \"rank\"\n\n  [[agreement.supplier]]\n  name = \"Alfa AB\"\n  rank = 1\n\n  [[agreement.supplier]]\n  name = \"Beta AB\"\n  rank = 2\n\n  [[agreement.deviation]]\n  supplier = \"Beta AB\"\n  from = 2024-03-01\n  to = 2024-03-31\n  reason = \"Rang 1 kunde inte leverera\"\n",
        "Bokföringsdatum;Leverantör;Belopp;Avtal;Ansvar\n2024-02-01;Alfa AB;600;RA-R;Öster\n2024-03-10;Beta AB;100;RA-R;Öster\n2024-04-01;Beta AB;200;RA-R;Öster\n2024-05-01;Beta AB;100;RA-R;Öster\n",
    );
    check_lines(&folder.join("Sektion Öster.eml"));
    let Some(drafts) = parse(&folder) else { return };
    let body = &drafts["Sektion Öster.eml"]["flat"];
    // 1 000 in all: rank 1 600 (60,0 %), rank 2 400 (40,0 %). The March
    // 100 is documented; April 200 and May 100 are not: 2 call-offs, 300 kr
    // (skip_pct 30 % > 5: imbalance).
    assert!(body.contains("- RA-R Järnhandel (rangordning)"), "{body}");
    assert!(
        body.contains("Sektionens avrop under perioden: rang 1 (Alfa AB) 60,0 %, rang 2 (Beta AB) 40,0 %."),
        "{body}"
    );
    assert!(
        body.contains(
            "2 avrop från lägre rang utan dokumenterat avsteg under perioden (300,00 kr): dokumentera avsteget eller avropa från rang 1."
        ),
        "{body}"
    );
    assert!(!body.contains("nyckeln 0 %"), "{body}");
    assert!(
        body.contains("Under en rangordning avropar sektionen från rang 1"),
        "{body}"
    );
    assert!(!body.contains("ligger efter nyckeln"), "{body}");
}
