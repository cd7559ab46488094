//! The record number of every row, held as runs of consecutive numbers:
//! a file's rows are its records one after the other, so a run starts
//! only where a chunk, a file or a skipped record begins one, and the
//! column costs next to nothing instead of 4 bytes a row.

/// The record numbers (see the module's text).
#[derive(Debug, Default)]
pub(crate) struct Lines {
    /// Each run's first row and its record number, in row order.
    runs: Vec<(u32, u32)>,
    len: usize,
    /// The number the next row has when it continues the last run.
    next: u32,
}

impl Lines {
    /// Row `i`'s record number.
    pub(crate) fn get(&self, i: usize) -> Option<u32> {
        if i >= self.len {
            return None;
        }
        let k = self.runs.partition_point(|&(r, _)| r as usize <= i).checked_sub(1)?;
        let &(r, line) = self.runs.get(k)?;
        Some(line.wrapping_add((i - r as usize) as u32))
    }

    pub(crate) fn push(&mut self, line: u32) {
        if self.len == 0 || line != self.next {
            self.runs.push((self.len as u32, line));
        }
        self.len += 1;
        self.next = line.wrapping_add(1);
    }

    /// Appends another's rows, their numbers moved by `offset`.
    pub(crate) fn append(&mut self, other: &Lines, offset: u32) {
        let base = self.len;
        for &(r, line) in &other.runs {
            let line = line.wrapping_add(offset);
            if !(r == 0 && base > 0 && line == self.next) {
                self.runs.push((base as u32 + r, line));
            }
        }
        if other.len > 0 {
            self.len += other.len;
            self.next = other.next.wrapping_add(offset);
        }
    }

    /// Keeps the first `rows` rows.
    pub(crate) fn truncate(&mut self, rows: usize) {
        if rows < self.len {
            let k = self.runs.partition_point(|&(r, _)| (r as usize) < rows);
            self.runs.truncate(k);
            self.len = rows;
            self.next = rows
                .checked_sub(1)
                .and_then(|p| self.get(p))
                .map_or(0, |l| l.wrapping_add(1));
        }
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.runs.shrink_to_fit();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.runs.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(l: &Lines) -> Vec<u32> {
        (0..l.len).filter_map(|i| l.get(i)).collect()
    }

    #[test]
    fn runs_give_back_every_number() {
        // Records 5, 6, 7, then 9 (8 skipped), 10; then a chunk numbered
        // from 1 moved by 10 (11, 12: continuing the run) and one from 1
        // moved by 40 (41: a new run).
        let mut a = Lines::default();
        [5, 6, 7, 9, 10].into_iter().for_each(|l| a.push(l));
        assert_eq!(a.runs, vec![(0, 5), (3, 9)]);
        let mut b = Lines::default();
        [1, 2].into_iter().for_each(|l| b.push(l));
        a.append(&b, 10);
        a.append(&b, 40);
        assert_eq!(all(&a), [5, 6, 7, 9, 10, 11, 12, 41, 42]);
        assert_eq!(a.runs, vec![(0, 5), (3, 9), (7, 41)]);
        assert_eq!(a.get(9), None);
        // Back to 4 rows (5, 6, 7, 9): the next 10 continues the run.
        a.truncate(4);
        a.push(10);
        assert_eq!(all(&a), [5, 6, 7, 9, 10]);
        assert_eq!(a.runs, vec![(0, 5), (3, 9)]);
        a.truncate(0);
        a.push(3);
        assert_eq!((all(&a), a.runs.clone()), (vec![3], vec![(0, 3)]));
    }
}
