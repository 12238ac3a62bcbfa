//! Name resolution, exactly as protoc resolves names: C++-style scoping from
//! the innermost scope outwards, a leading `.` for an absolute name, the
//! partial-match rule for compound names, and visibility limited to the
//! file itself, its imports and what they import publicly (of a file
//! imported only by `import option`, only its fields and extensions).

use rustc_hash::FxHashSet as HashSet;

use super::symbols::{Symbol, SymbolKind, SymbolTable};
use crate::source::FileId;

/// What protoc calls `LOOKUP_TYPES` versus `LOOKUP_ALL`: field types skip
/// symbols that are not types and keep searching outer scopes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Types,
    All,
}

/// Why a name did not resolve.
#[derive(Debug, PartialEq, Eq)]
pub enum LookupError {
    /// Nothing of that name is visible.
    NotFound,
    /// The first part resolved to a scope in which the rest is not defined:
    /// protoc's "is resolved to ..., which is not defined".
    PartialMatch { resolved_to: String },
    /// Defined in a file this file does not import.
    NotImported { full_name: String, file: FileId },
}

/// The files whose symbols a file may use.
#[derive(Default)]
pub struct Visible {
    /// The file, its imports, and their public imports, transitively.
    pub files: HashSet<FileId>,
    /// Those of `files` reached only through `import option` (and their
    /// public imports): protoc finds only fields and extensions in them.
    pub options_only: HashSet<FileId>,
}

impl Visible {
    /// Whether a symbol of `kind` defined in `file` can be used here.
    pub fn allows(&self, file: FileId, kind: SymbolKind) -> bool {
        self.files.contains(&file)
            && (kind == SymbolKind::Field || !self.options_only.contains(&file))
    }
}

pub struct Scope<'a> {
    pub table: &'a SymbolTable,
    pub file: FileId,
    pub visible: &'a Visible,
}

impl Scope<'_> {
    /// protoc's `FindSymbol`: an exact name, if visible from this file.
    fn find(&self, full_name: &str, hidden: &mut Option<(String, FileId)>) -> Option<Symbol> {
        let symbol = *self.table.get(full_name)?;
        if self.visible.allows(symbol.file, symbol.kind) {
            return Some(symbol);
        }
        if symbol.kind == SymbolKind::Package
            && self
                .visible
                .files
                .iter()
                .any(|&file| self.table.package_declared_in(full_name, file))
        {
            return Some(symbol);
        }
        *hidden = Some((full_name.to_owned(), symbol.file));
        None
    }

    /// Resolves `name` as written at an element whose full name is
    /// `relative_to`. Returns the full name (no leading dot) and symbol.
    pub fn lookup(
        &self,
        name: &str,
        relative_to: &str,
        mode: Mode,
    ) -> Result<(String, Symbol), LookupError> {
        let mut hidden = None;
        let result = self.lookup_inner(name, relative_to, mode, &mut hidden);
        match result {
            Ok(found) => Ok(found),
            Err(LookupError::NotFound) => match hidden {
                Some((full_name, file)) => Err(LookupError::NotImported { full_name, file }),
                None => Err(LookupError::NotFound),
            },
            Err(other) => Err(other),
        }
    }

    fn lookup_inner(
        &self,
        name: &str,
        relative_to: &str,
        mode: Mode,
        hidden: &mut Option<(String, FileId)>,
    ) -> Result<(String, Symbol), LookupError> {
        if let Some(absolute) = name.strip_prefix('.') {
            return self
                .find(absolute, hidden)
                .map(|symbol| (absolute.to_owned(), symbol))
                .ok_or(LookupError::NotFound);
        }
        let first_part = name.split('.').next().unwrap_or(name);
        let mut scope = relative_to.to_owned();
        loop {
            let Some(dot) = scope.rfind('.') else {
                return self
                    .find(name, hidden)
                    .map(|symbol| (name.to_owned(), symbol))
                    .ok_or(LookupError::NotFound);
            };
            scope.truncate(dot);
            let old_len = scope.len();
            scope.push('.');
            scope.push_str(first_part);
            if let Some(symbol) = self.find(&scope, hidden) {
                if first_part.len() < name.len() {
                    if symbol.kind.is_aggregate() {
                        scope.push_str(&name[first_part.len()..]);
                        return match self.find(&scope, hidden) {
                            Some(symbol) => Ok((scope, symbol)),
                            None => Err(LookupError::PartialMatch { resolved_to: scope }),
                        };
                    }
                    // Not a scope: keep looking further out.
                } else if mode == Mode::All || symbol.kind.is_type() {
                    return Ok((scope, symbol));
                }
            }
            scope.truncate(old_len);
        }
    }
}
