//! `avropskoll init`: a ready register template `register.xlsx` (Swedish
//! headers, one filled-in example agreement, drop-downs for *Grund* and
//! *Avropsmodell*, a percent format for *Andel* and *Varningsnivå*, a number
//! of percentage points for *Tolerans*, an *Avsteg* sheet for a rank order's
//! deviations, an *Instruktioner* sheet) and an
//! `avropskoll.toml` pointing at it and at an `exporter/` folder. Nothing
//! that exists is overwritten.

use crate::error::{Error, Result};
use crate::lang::Text;
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use std::path::{Path, PathBuf};

/// The register template's file name.
pub const REGISTER: &str = "register.xlsx";
/// The config file's name.
pub const CONFIG: &str = "avropskoll.toml";
/// The exports folder the config points at.
pub const EXPORTS: &str = "exporter";

/// The template's columns: header, width, what it means.
const COLUMNS: [(&str, f64, &str); 18] = [
    ("Avtal", 14.0, "Avtalets id, t.ex. RA-2025-001, som det skrivs i ekonomisystemets avtalskolumn. Skrivs på avtalets första rad; lämna tomt på raderna för avtalets övriga leverantörer."),
    ("Benämning", 24.0, "Avtalets namn, t.ex. Målningsarbeten."),
    ("Giltigt från", 12.0, "Avtalets första dag (datum)."),
    ("Giltigt till", 12.0, "Avtalets sista dag (datum), förlängningar medräknade."),
    ("Grund", 10.0, "Vad andelarna avser: belopp (kronor, det vanliga) eller antal (antal avrop). Välj i listan."),
    ("Tolerans (pe)", 10.0, "Hur många procentenheter en leverantörs andel får avvika innan avtalet räknas som i obalans: ett tal, t.ex. 5 (skrivet som 5 % läses det också som 5 procentenheter). Tomt = körningens (5)."),
    ("Konton", 12.0, "Frivilligt: kontonummer som avtalet bokförs på, åtskilda med komma. Begränsar bara matchningen på leverantör när avtalskolumnen är tom."),
    ("Takvolym (kr)", 15.0, "Avtalets högsta värde (takvolym) i kronor. När det nås har avtalet upphört att gälla."),
    ("Uppskattat värde", 15.0, "Frivilligt: det uppskattade värdet i upphandlingen, kronor."),
    ("Varningsnivå (%)", 11.0, "Frivilligt: vid hur många procent av takvolymen avtalet flaggas, t.ex. 80 %. Tomt = 80 %."),
    ("Delad takvolym", 10.0, "ja om andra organisationers avrop räknas mot samma takvolym (då är vår siffra en undre gräns), annars nej."),
    ("Leverantör", 26.0, "Leverantörens namn som i avtalet. En rad per leverantör."),
    ("Org.nr", 13.0, "Frivilligt: organisationsnummer NNNNNN-NNNN. Matchar säkrare än namnet."),
    ("Andel (%)", 10.0, "Leverantörens avtalade andel i procent; avtalets andelar summerar till 100 %."),
    ("Alias", 26.0, "Frivilligt: andra stavningar av leverantörens namn i exporterna, åtskilda med ; (semikolon)."),
    ("Avropsmodell", 14.0, "nyckel (fördelningsnyckel: leverantörerna ska få sina andelar) eller rang (rangordning: rang 1 avropas först, en lägre rang bara när en högre inte kan leverera). Välj i listan; tomt = nyckel. Skrivs på avtalets första rad."),
    ("Rang", 8.0, "Bara vid rangordning: leverantörens rang, 1 för den som avropas först, sedan 2, 3 … (en var). Lämna då Andel tom. Avsteg från rangordningen skrivs på bladet Avsteg."),
    ("FKU-gräns (kr)", 15.0, "Frivilligt (kombinationsmodell): avrop värda minst detta belopp går till förnyad konkurrensutsättning (FKU) och räknas inte mot nyckeln eller rangordningen, bara mot takvolymen. Ett avrop är raderna med samma leverantör och ordernummer (exportens kolumn Ordernummer eller Projektnummer)."),
];

/// The *Avsteg* sheet's columns: header, width, what it means.
const DEVIATION_COLUMNS: [(&str, f64, &str); 7] = [
    ("Avtal", 14.0, "Rangordningsavtalets id, som på bladet Avtal."),
    (
        "Leverantör",
        26.0,
        "Leverantören som anlitades i stället för rang 1: namn, alias eller org.nr som i registret.",
    ),
    (
        "Ansvar",
        16.0,
        "Frivilligt: avsteget gäller bara detta ansvar (enhet). Tomt = alla.",
    ),
    (
        "Från",
        12.0,
        "Frivilligt: avstegets första dag (datum). Tomt = från avtalets början.",
    ),
    (
        "Till",
        12.0,
        "Frivilligt: avstegets sista dag (datum). Tomt = tills vidare.",
    ),
    (
        "Skäl",
        40.0,
        "Varför rang 1 inte anlitades, t.ex. kunde inte leverera inom avtalad tid, svarade inte i tid, kapacitet.",
    ),
    (
        "Diarienummer",
        16.0,
        "Frivilligt: tjänsteanteckningens diarienummer eller referens.",
    ),
];

/// Writes the template files into `dir`; returns their paths. Refuses,
/// writing nothing, when any of them exists.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let register = dir.join(REGISTER);
    let config = dir.join(CONFIG);
    for path in [&register, &config] {
        if path.exists() {
            return Err(Error::Refused(Text::new(
                    format!("{} finns redan och skrivs inte över; flytta eller byt namn på den, eller välj en annan mapp med --out", path.display()),
                    format!("{} exists and is not overwritten; move or rename it, or choose another folder with --out", path.display()),
            )));
        }
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| Error::Output {
            message: Text::io(&e),
            path: path.clone(),
        }
    };
    std::fs::create_dir_all(dir.join(EXPORTS)).map_err(io(&dir.join(EXPORTS)))?;
    let mut wb = template().map_err(crate::output::xlsx_err(&register))?;
    crate::output::save_workbook(&mut wb, &register)?;
    std::fs::write(&config, config_text()).map_err(io(&config))?;
    Ok(vec![register, config, dir.join(EXPORTS)])
}

fn config_text() -> String {
    format!(
        "# avropskoll – inställningar. Sökvägar räknas från den här filens mapp;\n# flaggor på kommandoraden går före.\n\n# Avtalsregistret (fyll i mallen i Excel).\nagreements = \"{REGISTER}\"\n\n# Mappen med ekonomisystemets månadsexporter (CSV eller Excel).\nexports = [\"{EXPORTS}\"]\n\n# Rapporterna hamnar i rapporter/PERIOD/.\nout = \"rapporter\"\n\n# Tolerans i procentenheter och minsta antal avrop för en bedömning.\ntolerance_pp = 5\nmin_call_offs = 10\n\n# Direktupphandlingsgränsen i kronor (regel 15): en leverantör som fått mer än så\n# vid sidan av avtalen under året är sannolikt en otillåten direktupphandling.\n# Gränsen ändras i LOU (700 000 kr sedan 2022) – håll värdet aktuellt själv.\ndirect_award_limit_sek = 700000\n\n# Språk: sv eller en.\nlang = \"sv\"\n\n# Egna kolumnnamn i exporterna, om avropskoll inte känner igen dem, t.ex.:\n# [columns]\n# date = [\"Bokf.dat\"]\n# amount = [\"Belopp (SEK)\"]\n# supplier = [\"Lev\"]\n"
    )
}

fn date(y: u16, m: u8, d: u8) -> std::result::Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(y, m, d)
}

/// The *Avsteg* sheet: a rank agreement's documented deviations, one a row,
/// with what each column means.
fn deviation_sheet(
    wb: &mut Workbook,
    title: &Format,
    note: &Format,
    header: &Format,
    date_format: &Format,
) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Avsteg")?;
    ws.write_string_with_format(0, 0, "Avsteg från rangordningen", title)?;
    ws.write_string_with_format(
        1,
        0,
        "Ett avsteg per rad: när en lägre rang anlitades för att rang 1 inte kunde leverera, med skälet ur tjänsteanteckningen. Ett avsteg kan gälla ett köp (samma dag i Från och Till), ett ansvar eller en period. Avrop från lägre rang utan avsteg redovisas som odokumenterade.",
        note,
    )?;
    let head = 3u32;
    for (c, (name, width, _)) in DEVIATION_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(head, c as u16, *name, header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_height(head, 30)?;
    ws.set_column_format(3, date_format)?;
    ws.set_column_format(4, date_format)?;
    ws.set_freeze_panes(head + 1, 0)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The template's cell formats.
struct Formats {
    title: Format,
    note: Format,
    header: Format,
    date: Format,
    sek: Format,
    percent: Format,
    /// Tolerance: a number of percentage points (a `5 %` typed into it is
    /// a percent cell, read as 5 points too).
    points: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_italic().set_font_color(0x595959),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(0xD9E1F2)
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            sek: Format::new().set_num_format("#,##0"),
            percent: Format::new().set_num_format("0%"),
            points: Format::new().set_num_format("0.##"),
        }
    }
}

fn template() -> std::result::Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let f = Formats::new();
    register_sheet(&mut wb, &f)?;
    deviation_sheet(&mut wb, &f.title, &f.note, &f.header, &f.date)?;
    instructions_sheet(&mut wb, &f)?;
    Ok(wb)
}

/// The sheet *Avtal*: the columns, the example agreement, formats and
/// drop-downs for the rows users fill in.
fn register_sheet(wb: &mut Workbook, f: &Formats) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Avtal")?;
    ws.write_string_with_format(0, 0, "Avtalsregister – ramavtal med fördelningsnyckel", &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        "En rad per leverantör. Avtalets uppgifter skrivs på dess första rad; lämna Avtal tomt på raderna under för avtalets övriga leverantörer. Se bladet Instruktioner.",
        &f.note,
    )?;
    let head = 3u32;
    for (c, (name, width, _)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(head, c as u16, *name, &f.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_height(head, 30)?;
    example(ws, head + 1, f)?;
    // Formats and drop-downs for the rows users fill in.
    let last = 2000u32;
    ws.set_column_format(2, &f.date)?;
    ws.set_column_format(3, &f.date)?;
    ws.set_column_format(7, &f.sek)?;
    ws.set_column_format(8, &f.sek)?;
    ws.set_column_format(5, &f.points)?;
    ws.set_column_format(9, &f.percent)?;
    ws.set_column_format(13, &f.percent)?;
    let basis = DataValidation::new()
        .allow_list_strings(&["belopp", "antal"])?
        .set_input_title("Grund")?
        .set_input_message("belopp = andelar av kronor, antal = andelar av antal avrop")?;
    ws.add_data_validation(head + 1, 4, last, 4, &basis)?;
    let shared = DataValidation::new().allow_list_strings(&["ja", "nej"])?;
    ws.add_data_validation(head + 1, 10, last, 10, &shared)?;
    ws.set_column_format(17, &f.sek)?;
    let model = DataValidation::new()
        .allow_list_strings(&["nyckel", "rang"])?
        .set_input_title("Avropsmodell")?
        .set_input_message("nyckel = fördelningsnyckel (andelar), rang = rangordning (Rang 1, 2, 3 …)")?;
    ws.add_data_validation(head + 1, 15, last, 15, &model)?;
    ws.set_freeze_panes(head + 1, 2)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The example agreement from row `r`: 50/30/20 by amount, with a ceiling.
fn example(ws: &mut rust_xlsxwriter::Worksheet, r: u32, f: &Formats) -> std::result::Result<(), XlsxError> {
    ws.write_string(r, 0, "RA-2025-001")?;
    ws.write_string(r, 1, "Målningsarbeten (exempel)")?;
    ws.write_datetime_with_format(r, 2, date(2025, 1, 1)?, &f.date)?;
    ws.write_datetime_with_format(r, 3, date(2028, 12, 31)?, &f.date)?;
    ws.write_string(r, 4, "belopp")?;
    ws.write_number_with_format(r, 7, 40_000_000.0, &f.sek)?;
    ws.write_number_with_format(r, 8, 30_000_000.0, &f.sek)?;
    ws.write_number_with_format(r, 9, 0.8, &f.percent)?;
    ws.write_string(r, 10, "nej")?;
    ws.write_string(r, 15, "nyckel")?;
    let suppliers = [
        ("Måleri Syd AB", "556036-0793", 0.5, "Måleri Syd Aktiebolag"),
        ("Färg & Fasad AB", "", 0.3, ""),
        ("Penselkungen AB", "", 0.2, ""),
    ];
    for (k, (name, org, share, alias)) in suppliers.iter().enumerate() {
        let row = r + k as u32;
        ws.write_string(row, 11, *name)?;
        if !org.is_empty() {
            ws.write_string(row, 12, *org)?;
        }
        ws.write_number_with_format(row, 13, *share, &f.percent)?;
        if !alias.is_empty() {
            ws.write_string(row, 14, *alias)?;
        }
    }
    Ok(())
}

/// The sheet *Instruktioner*: the steps, then every column of both sheets.
fn instructions_sheet(wb: &mut Workbook, f: &Formats) -> std::result::Result<(), XlsxError> {
    let help = wb.add_worksheet();
    help.set_name("Instruktioner")?;
    help.write_string_with_format(0, 0, "Så fyller du i avtalsregistret", &f.title)?;
    let lines = [
        "1. Skriv ett avtal per block: avtalets uppgifter på första raden, en rad per leverantör.",
        "2. Leverantörernas andelar i ett avtal ska summera till 100 %.",
        "3. Ett avtal med rangordning: skriv rang i Avropsmodell och leverantörernas Rang (1, 2, 3 …) i stället för Andel.",
        "4. Avsteg från rangordningen (tjänsteanteckningar) skrivs på bladet Avsteg, ett per rad.",
        "5. Kombinationsmodell: skriv FKU-gränsen; avrop värda minst gränsen räknas bara mot takvolymen.",
        "6. Kontrollera registret med: avropskoll check",
        "7. Kör månadsuppdateringen med: avropskoll run",
    ];
    for (i, line) in lines.iter().enumerate() {
        help.write_string(2 + i as u32, 0, *line)?;
    }
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut top = 3 + lines.len() as u32;
    for (title, columns) in [
        (("Kolumn", "Vad den betyder"), &COLUMNS[..]),
        (("Bladet Avsteg", "Vad kolumnen betyder"), &DEVIATION_COLUMNS[..]),
    ] {
        help.write_string_with_format(top, 0, title.0, &f.header)?;
        help.write_string_with_format(top, 1, title.1, &f.header)?;
        for (i, (name, _, meaning)) in columns.iter().enumerate() {
            help.write_string_with_format(top + 1 + i as u32, 0, *name, &wrap)?;
            help.write_string_with_format(top + 1 + i as u32, 1, *meaning, &wrap)?;
        }
        top += 2 + columns.len() as u32;
    }
    help.set_column_width(0, 20)?;
    help.set_column_width(1, 100)?;
    Ok(())
}
