//! The optional organisation file (`--organisation`, `organisation` in the
//! config): which section each unit (*ansvar*) belongs to and who heads it.
//! Columns *Ansvar* (also *Enhet*, *Kostnadsställe*), *Sektion*,
//! *Sektionschef*, optionally *E-post* and the unit's name (*Ansvarsnamn*,
//! *Enhetsnamn*, *Namn*, *Benämning*: shown beside the unit, winning over
//! an export's unit-name column); xlsx, xls, ods or csv, the header row
//! found like an export's.

use crate::error::{Error, Result};
use crate::lang::{Lang, Text};
use crate::read::header;
use crate::read::table::{self, Cell};
use std::collections::HashMap;
use std::path::Path;

/// A section and its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub head: String,
    pub email: Option<String>,
}

/// Units mapped to their sections.
#[derive(Debug, Clone, Default)]
pub struct Organisation {
    /// Unit (trimmed, lower case) → index into `sections`.
    units: HashMap<String, usize>,
    /// Unit (trimmed, lower case) → its name, when the file names it.
    unit_names: HashMap<String, String>,
    pub sections: Vec<Section>,
}

const NAMES: [&[&str]; 5] = [
    &["Ansvar", "Enhet", "Kostnadsställe", "Ansvarsenhet", "unit"],
    &["Sektion", "section"],
    &["Sektionschef", "Chef", "head"],
    &["E-post", "Epost", "Mejl", "email"],
    &["Ansvarsnamn", "Enhetsnamn", "Namn", "Benämning", "unit_name", "name"],
];

impl Organisation {
    /// The section of a unit as it appears in the exports.
    pub fn section_of(&self, unit: &str) -> Option<&Section> {
        self.units
            .get(&unit.trim().to_lowercase())
            .and_then(|&i| self.sections.get(i))
    }

    /// The unit's name, when the organisation file gives one.
    pub fn unit_name(&self, unit: &str) -> Option<&str> {
        self.unit_names.get(&unit.trim().to_lowercase()).map(String::as_str)
    }

    /// Reads an organisation file.
    pub fn load(path: &Path, lang: Lang) -> Result<Organisation> {
        let names: Vec<Vec<String>> = NAMES.iter().map(|n| header::folded(n)).collect();
        let mut source = open(path, &names)?;
        let required = [0, 1];
        let mut search = header::HeaderSearch::new(&names, &required);
        let mut columns: Option<Vec<Option<usize>>> = None;
        let mut org = Organisation::default();
        let mut problems: Vec<String> = Vec::new();
        source.for_each_record(&mut |row, cells| {
            let Some(cols) = &columns else {
                let texts: Vec<String> = cells.iter().map(Cell::text).collect();
                return match search.look(&texts) {
                    header::Look::Header(found) => {
                        columns = Some(found);
                        true
                    }
                    header::Look::NotYet(_) => true,
                    header::Look::GaveUp => false,
                };
            };
            let get = |i: usize| {
                cols.get(i)
                    .copied()
                    .flatten()
                    .and_then(|c| cells.get(c))
                    .map(Cell::text)
                    .unwrap_or_default()
            };
            if let Err(problem) = org.add(row, [get(0), get(1), get(2), get(3), get(4)], lang) {
                problems.push(problem);
            }
            true
        })?;
        if columns.is_none() {
            return Err(Error::ConfigFile {
                path: path.to_path_buf(),
                message: Text::new(
                    "hittar ingen rubrikrad med kolumnerna Ansvar och Sektion (och Sektionschef, E-post) bland de 50 första raderna",
                    "no header row with the columns Ansvar (unit) and Sektion (section) among the first 50 records",
                ),
            });
        }
        if !problems.is_empty() {
            return Err(Error::ConfigFile {
                path: path.to_path_buf(),
                message: Text::new(problems.join("; "), problems.join("; ")),
            });
        }
        Ok(org)
    }

    /// One row (unit, section, head, e-mail): an empty row is skipped; a
    /// unit or section alone, or a unit under a second section, is a
    /// problem naming the row.
    fn add(&mut self, row: usize, fields: [String; 5], lang: Lang) -> std::result::Result<(), String> {
        let [unit, section, head, email, name] = fields;
        if unit.is_empty() && section.is_empty() {
            return Ok(());
        }
        if unit.is_empty() || section.is_empty() {
            return Err(lang.pick(
                format!("rad {row}: både Ansvar och Sektion behövs"),
                format!("row {row}: both unit and section are needed"),
            ));
        }
        let email = Some(email).filter(|e| !e.is_empty());
        let index = self.section_index(section, head, email);
        let key = unit.trim().to_lowercase();
        if !name.is_empty() {
            self.unit_names.entry(key.clone()).or_insert(name);
        }
        match self.units.get(&key) {
            Some(&other) if other != index => Err(lang.pick(
                format!("rad {row}: ansvaret '{unit}' står redan under en annan sektion"),
                format!("row {row}: the unit '{unit}' is already in another section"),
            )),
            _ => {
                self.units.insert(key, index);
                Ok(())
            }
        }
    }

    /// The section's index, added when new; a head or e-mail missing on
    /// its earlier rows is taken from this one.
    fn section_index(&mut self, name: String, head: String, email: Option<String>) -> usize {
        if let Some(i) = self.sections.iter().position(|s| s.name == name) {
            if let Some(s) = self.sections.get_mut(i) {
                if s.head.is_empty() {
                    s.head = head;
                }
                if s.email.is_none() {
                    s.email = email;
                }
            }
            return i;
        }
        self.sections.push(Section { name, head, email });
        self.sections.len() - 1
    }
}

/// Opens the file; a csv without a declared delimiter gets the one that
/// finds the most of the columns.
fn open(path: &Path, names: &[Vec<String>]) -> Result<table::Source> {
    let mut source = table::open(path, None, table::Limits::default()).map_err(|e| match e {
        Error::Export { path, message } => Error::ConfigFile { path, message },
        other => other,
    })?;
    if let table::Source::Csv(c) = &source {
        if !c.declared {
            let d = c.best_delimiter(|cells| {
                let texts: Vec<String> = cells.iter().map(Cell::text).collect();
                header::map_columns(names, &texts).iter().flatten().count()
            });
            source = source.with_delimiter(d);
        }
    }
    Ok(source)
}
