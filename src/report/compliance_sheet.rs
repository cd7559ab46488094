//! The workbook's *Avtalstrohet* sheet (rule 15).
