//! The PNG/SVG charts: every agreement gets its charts, PNGs decode with the
//! right size and are not blank, SVGs hold the agreement's name and the
//! Swedish-formatted percentages, file names are safe.

use super::common::{fixture, Workdir};

use std::path::Path;

/// Runs 2019-H1 with at least two call-offs; the reports go to `out/`.
fn run(w: &Workdir, register: &Path, exports: &Path, extra: &[&str]) {
    w.run("2019-H1", register, exports)
        .args(["--min-call-offs", "2"])
        .args(extra)
        .assert()
        .success();
}

/// [`run`] on the base fixture; returns the charts' folder.
fn run_base(w: &Workdir, extra: &[&str]) -> std::path::PathBuf {
    run(w, &fixture("register.toml"), &fixture("base.csv"), extra);
    w.path("out/2019-H1/diagram")
}

/// Width, height and the variance of the pixels' brightness.
fn png_stats(path: &Path) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("png")));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png data");
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let values: Vec<f64> = bytes
        .chunks(channels)
        .map(|p| p.iter().take(3).map(|v| *v as f64).sum::<f64>() / 3.0)
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
    (info.width, info.height, variance)
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_agreement_gets_its_charts_and_the_overview() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    assert_eq!(
        listing(&dir),
        [
            "RA-1-trend.png",
            "RA-1-trend.svg",
            "RA-1.png",
            "RA-1.svg",
            "RA-2-trend.png",
            "RA-2-trend.svg",
            "RA-2.png",
            "RA-2.svg",
            "oversikt.png",
            "oversikt.svg"
        ]
    );
    for name in ["RA-1.png", "RA-1-trend.png", "RA-2.png", "RA-2-trend.png"] {
        let (w, h, variance) = png_stats(&dir.join(name));
        assert_eq!((w, h), (1600, 900), "{name}");
        assert!(variance > 100.0, "{name} looks blank (variance {variance})");
    }
    let (w, h, variance) = png_stats(&dir.join("oversikt.png"));
    assert_eq!((w, h), (1600, 900));
    assert!(variance > 100.0);
}

#[test]
fn svgs_hold_names_and_swedish_percentages() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let svg = std::fs::read_to_string(dir.join("RA-1.svg")).expect("svg");
    // RA-1: Måleri Syd 76.3158 % against 50 %, Färg & Fasad 15.7895 %,
    // Penselkungen 7.8947 % (see tests/it/pipeline.rs).
    for text in [
        "RA-1 Målning",
        "76,3 %",
        "50,0 %",
        "15,8 %",
        "7,9 %",
        "Måleri Syd AB",
        "Obalans",
    ] {
        assert!(svg.contains(text), "RA-1.svg lacks {text:?}");
    }
    assert!(svg.contains("Förra perioden 2018-H2"), "the previous window is marked");
    let trend = std::fs::read_to_string(dir.join("RA-1-trend.svg")).expect("svg");
    // RA-1 is valid from 2018-10 but its first call-off is 2018-12-15:
    // the trend starts there, and the window is marked.
    assert!(
        trend.contains("Målning") && trend.contains("2018-12 – 2019-06") && !trend.contains("2018-10"),
        "trend starts at the first month with data"
    );
    assert!(trend.contains("perioden 2019-H1"), "the window is marked");
    let overview = std::fs::read_to_string(dir.join("oversikt.svg")).expect("svg");
    assert!(
        overview.contains("RA-1 Målning") && overview.contains("+26,3 pe"),
        "largest deviation of RA-1"
    );
    assert!(overview.contains("-10,0 pe"), "RA-2's largest deviation");
}

#[test]
fn size_is_configurable_and_english_works() {
    let w = Workdir::new();
    let dir = run_base(&w, &["--chart-size", "800x450", "--lang", "en"]);
    assert_eq!(png_stats(&dir.join("RA-1.png")).0, 800);
    assert_eq!(png_stats(&dir.join("RA-1.png")).1, 450);
    let svg = std::fs::read_to_string(dir.join("RA-1.svg")).expect("svg");
    assert!(svg.contains("76.3%") && svg.contains("Imbalance"));
}

#[test]
fn bad_chart_size_exits_2() {
    let w = Workdir::new();
    w.command(["run", "--chart-size", "big", "--agreements"])
        .arg(fixture("register.toml"))
        .arg("--exports")
        .arg(fixture("base.csv"))
        .arg("--out")
        .arg(w.out())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--chart-size"));
}

#[test]
fn file_names_are_safe_from_agreement_ids() {
    let w = Workdir::new();
    let reg = w.write(
        "reg.toml",
        "[[agreement]]\nid = \"../../evil\"\nname = \"Farligt id\"\nvalid_from = 2019-01-01\nvalid_to = 2019-12-31\n\
         [[agreement.supplier]]\nname = \"A AB\"\nshare = 50\n[[agreement.supplier]]\nname = \"B AB\"\nshare = 50\n\
         [[agreement]]\nid = \"RA:1/2\"\nname = \"Kolon\"\nvalid_from = 2019-01-01\nvalid_to = 2019-12-31\n\
         [[agreement.supplier]]\nname = \"C AB\"\nshare = 100\n",
    );
    let exports = w.write(
        "x.csv",
        "Datum;Leverantör;Avtal;Belopp\n2019-03-01;A AB;../../evil;100\n2019-03-02;C AB;RA:1/2;100\n",
    );
    run(&w, &reg, &exports, &[]);
    let out = w.out();
    let dir = out.join("2019-H1/diagram");
    assert_eq!(
        listing(&dir),
        [
            "RA_1_2-trend.png",
            "RA_1_2-trend.svg",
            "RA_1_2.png",
            "RA_1_2.svg",
            "_.._evil-trend.png",
            "_.._evil-trend.svg",
            "_.._evil.png",
            "_.._evil.svg",
            "oversikt.png",
            "oversikt.svg"
        ]
    );
    assert_eq!(listing(&out), ["2019-H1"], "nothing written outside the report folder");
}

#[test]
fn a_count_basis_chart_counts_call_offs_not_kronor() {
    let w = Workdir::new();
    let dir = run_base(&w, &[]);
    let svg = std::fs::read_to_string(dir.join("RA-2.svg")).expect("svg");
    // RA-2 (basis count) in 2019-H1: one call-off to Elkraft, one to Ljus.
    assert!(svg.contains("Period 2019-H1 · 2 avrop · Status: Obalans"), "subtitle");
    assert!(!svg.contains(" kr "), "no kronor on a count-basis chart");
    let ra1 = std::fs::read_to_string(dir.join("RA-1.svg")).expect("svg");
    assert!(ra1.contains(" kr · Status"), "an amount-basis chart keeps its kronor");
}

/// The horizontal dashes of stroke width 3 (the agreed shares) as
/// (colour, y, x from, x to).
fn dashes(svg: &str) -> Vec<(String, i64, i64, i64)> {
    svg.lines()
        .filter(|l| l.starts_with("<polyline") && l.contains("stroke-width=\"3\""))
        .filter_map(|l| {
            let colour = l.split("stroke=\"").nth(1)?.split('"').next()?.to_string();
            let points: Vec<(i64, i64)> = l
                .split("points=\"")
                .nth(1)?
                .split('"')
                .next()?
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            match points.as_slice() {
                [(x0, y0), (x1, y1)] if y0 == y1 => Some((colour, *y0, *x0, *x1)),
                _ => None,
            }
        })
        .collect()
}

#[test]
fn suppliers_with_the_same_agreed_share_both_show_their_dashed_line() {
    let w = Workdir::new();
    let register = w.write(
        "register.toml",
        "[[agreement]]\nid = \"RA-E\"\nname = \"Lika\"\nvalid_from = 2019-01-01\nvalid_to = 2019-12-31\n\n  [[agreement.supplier]]\n  name = \"Alfa AB\"\n  share = 50\n\n  [[agreement.supplier]]\n  name = \"Beta AB\"\n  share = 50\n",
    );
    let exports = w.write(
        "x.csv",
        "Bokföringsdatum;Leverantör;Belopp;Avtal\n2019-01-10;Alfa AB;100;RA-E\n2019-03-10;Beta AB;300;RA-E\n2019-05-10;Alfa AB;100;RA-E\n",
    );
    run(&w, &register, &exports, &[]);
    let svg = w.read("out/2019-H1/diagram/RA-E-trend.svg");
    let all = dashes(&svg);
    // Supplier colours 0 and 1 of the palette (Okabe–Ito blue and green).
    let of = |c: &str| all.iter().filter(|d| d.0 == c).cloned().collect::<Vec<_>>();
    let (alfa, beta) = (of("#0072B2"), of("#009E73"));
    assert!(!alfa.is_empty() && !beta.is_empty(), "both lines drawn");
    assert!(alfa.iter().chain(&beta).all(|d| d.1 == alfa[0].1), "both at 50 %");
    // Their dashes take turns: no Beta dash lies on an Alfa dash.
    for b in &beta {
        assert!(
            alfa.iter().all(|a| b.3 <= a.2 || b.2 >= a.3),
            "Beta's dash {b:?} hides under Alfa's"
        );
    }
    assert!(beta.len() * 2 >= alfa.len(), "about as many dashes each");
}
