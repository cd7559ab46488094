//! The interner for the text fields of all rows: rows stay small and
//! comparing or hashing them is cheap. The strings live in one arena (no
//! allocation per string); a hash table of indices finds them.

/// An interned string: the index into [`Strings`]. 0 is the empty string.
pub type Sym = u32;

/// String interner for the text fields of all rows: rows stay small and
/// comparing or hashing them is cheap. The strings live in one arena (no
/// allocation per string); a hash table of indices finds them.
pub struct Strings {
    arena: String,
    spans: Vec<(usize, usize)>,
    table: hashbrown::HashTable<Sym>,
    state: foldhash::quality::FixedState,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({} distinct)", self.spans.len())
    }
}

impl Default for Strings {
    fn default() -> Self {
        let mut s = Strings {
            arena: String::new(),
            spans: Vec::new(),
            table: hashbrown::HashTable::new(),
            state: foldhash::quality::FixedState::default(),
        };
        s.intern("");
        s
    }
}

impl Strings {
    pub fn intern(&mut self, s: &str) -> Sym {
        use std::hash::BuildHasher;
        let Strings {
            arena,
            spans,
            table,
            state,
        } = self;
        let text = |id: Sym| {
            let (a, b) = spans[id as usize];
            &arena[a..b]
        };
        let hash = state.hash_one(s);
        if let Some(&id) = table.find(hash, |&id| text(id) == s) {
            return id;
        }
        let id = spans.len() as Sym;
        let start = arena.len();
        arena.push_str(s);
        spans.push((start, arena.len()));
        let (arena, spans) = (&*arena, &*spans);
        table.insert_unique(hash, id, |&id| {
            let (a, b) = spans[id as usize];
            state.hash_one(&arena[a..b])
        });
        id
    }

    /// Forgets every string but the empty one, keeping the memory.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.spans.clear();
        self.table.clear();
        self.intern("");
    }

    pub fn get(&self, id: Sym) -> &str {
        self.spans.get(id as usize).map_or("", |&(a, b)| &self.arena[a..b])
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.len() <= 1
    }

    /// Every string, in order of their [`Sym`].
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(a, b)| &self.arena[a..b])
    }
}

/// What a chunk remembers between records: the text fields' symbols by
/// their raw bytes, and the last date cell (rows come mostly in date
/// order, so most dates are the one before).
#[derive(Default)]
pub(crate) struct RawCache {
    pub(crate) syms: RawSyms,
    pub(crate) date: (Vec<u8>, Option<chrono::NaiveDate>),
}

/// A chunk's cache from a text field's raw bytes (as in the file, before
/// decoding and trimming) to its interned [`Sym`]: a value met again is
/// neither decoded nor trimmed again.
#[derive(Default)]
pub(crate) struct RawSyms {
    arena: Vec<u8>,
    table: hashbrown::HashTable<(usize, usize, Sym)>,
    state: foldhash::fast::FixedState,
}

impl RawSyms {
    /// The symbol of `raw`, from `make` the first time.
    pub(crate) fn get(&mut self, raw: &[u8], make: impl FnOnce() -> Sym) -> Sym {
        use std::hash::BuildHasher;
        let RawSyms { arena, table, state } = self;
        let hash = state.hash_one(raw);
        let at = |a: usize, b: usize| arena.get(a..b).unwrap_or(&[]);
        if let Some(&(_, _, sym)) = table.find(hash, |&(a, b, _)| at(a, b) == raw) {
            return sym;
        }
        let sym = make();
        let start = arena.len();
        arena.extend_from_slice(raw);
        let end = arena.len();
        let arena = &*arena;
        table.insert_unique(hash, (start, end, sym), |&(a, b, _)| {
            state.hash_one(arena.get(a..b).unwrap_or(&[]))
        });
        sym
    }
}
