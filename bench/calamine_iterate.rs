//! The floor for xlsx input (bench/run.sh): calamine streaming every cell
//! of the first sheet and doing nothing with it.
//! Usage: calamine_iterate FILE.xlsx

use calamine::{open_workbook, Reader, Xlsx};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: calamine_iterate FILE.xlsx")?;
    let mut wb: Xlsx<_> = open_workbook(&path)?;
    let sheet = wb.sheet_names().first().cloned().ok_or("no sheet")?;
    let mut reader = wb.worksheet_cells_reader(&sheet)?;
    let mut cells = 0u64;
    while let Some(cell) = reader.next_cell()? {
        if !matches!(cell.get_value(), calamine::DataRef::Empty) {
            cells += 1;
        }
    }
    println!("{cells} cells");
    Ok(())
}
