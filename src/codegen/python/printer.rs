//! Text output with indentation, as protoc's `io::Printer` does it for
//! Python: two spaces per level, written at the start of every line that
//! has text (blank lines stay empty).

#[derive(Default)]
pub(crate) struct Printer {
    out: String,
    indent: usize,
    at_line_start: bool,
    started: bool,
}

impl Printer {
    pub(crate) fn print(&mut self, text: &str) {
        for piece in text.split_inclusive('\n') {
            if (self.at_line_start || !self.started) && !piece.starts_with('\n') {
                for _ in 0..self.indent {
                    self.out.push_str("  ");
                }
            }
            self.started = true;
            self.out.push_str(piece);
            self.at_line_start = piece.ends_with('\n');
        }
    }

    pub(crate) fn indent(&mut self) {
        self.indent += 1;
    }

    pub(crate) fn outdent(&mut self) {
        self.indent = self.indent.saturating_sub(1);
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::Printer;

    #[test]
    fn indents_lines_with_text_only() {
        let mut p = Printer::default();
        p.print("a:\n");
        p.indent();
        p.print("b\n\nc");
        p.print("d\n");
        p.outdent();
        p.print("e\n");
        assert_eq!(p.finish(), "a:\n  b\n\n  cd\ne\n");
    }
}
