//! Text output with indentation, as protobuf's `io::Printer` writes it for
//! the Python generators: the indent goes in front of the first character
//! of every line that has one (empty lines stay empty). `_pb2.py` indents
//! by two spaces a level, the stubs and gRPC modules by four.

pub(crate) struct Printer {
    out: String,
    /// Spaces per level.
    unit: usize,
    depth: usize,
    at_line_start: bool,
}

impl Printer {
    pub(crate) fn new(unit: usize) -> Printer {
        Printer {
            out: String::new(),
            unit,
            depth: 0,
            at_line_start: true,
        }
    }

    /// Template text: every line in it starts at the indent.
    pub(crate) fn print(&mut self, text: &str) {
        for piece in text.split_inclusive('\n') {
            self.raw(piece);
            if piece.ends_with('\n') {
                self.at_line_start = true;
            }
        }
    }

    /// Text written as is (a substituted value, a comment line): indented
    /// if it starts a line, but a newline inside it starts no indented
    /// line, as in protobuf's printer.
    pub(crate) fn raw(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.at_line_start && !text.starts_with('\n') {
            self.out
                .extend(std::iter::repeat_n(' ', self.unit * self.depth));
            self.at_line_start = false;
        }
        self.out.push_str(text);
    }

    /// A template whose `$name$` placeholders take `values`, each written
    /// raw. Placeholders without a value stay as they are (templates here
    /// name only values they pass).
    pub(crate) fn print_with(&mut self, template: &str, values: &[(&str, &str)]) {
        let mut rest = template;
        while let Some(start) = rest.find('$') {
            let after = &rest[start + 1..];
            let Some(length) = after.find('$') else {
                break;
            };
            let name = &after[..length];
            match values.iter().find(|(key, _)| *key == name) {
                Some((_, value)) => {
                    self.print(&rest[..start]);
                    self.raw(value);
                }
                None => self.print(&rest[..start + length + 2]),
            }
            rest = &after[length + 1..];
        }
        self.print(rest);
    }

    pub(crate) fn indent(&mut self) {
        self.depth += 1;
    }

    pub(crate) fn outdent(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A body one level in.
    pub(crate) fn indented(&mut self, body: impl FnOnce(&mut Printer)) {
        self.indent();
        body(self);
        self.outdent();
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
        let mut p = Printer::new(2);
        p.print("a:\n");
        p.indent();
        p.print("b\n\nc");
        p.print("d\n");
        p.outdent();
        p.print("e\n");
        assert_eq!(p.finish(), "a:\n  b\n\n  cd\ne\n");
    }

    #[test]
    fn substituted_values_start_no_indented_lines() {
        let mut p = Printer::new(4);
        p.indent();
        p.print_with("x = $v$\ny\n", &[("v", "1\n2")]);
        assert_eq!(p.finish(), "    x = 1\n2\n    y\n");
    }
}
