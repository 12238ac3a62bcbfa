//! protoc's outputs that are neither descriptor sets nor generated code:
//! `--dependency_out`'s make rule and `--print_free_field_numbers`.

use std::collections::BTreeSet;

use super::args::Invocation;
use crate::compile::{self, Compilation, SourceTree};
use crate::descriptors::pb;
use crate::source::Origin;

/// The largest field number.
const MAX_FIELD_NUMBER: i32 = (1 << 29) - 1;

/// Writes protoc's make rule: every output, then every file read (the
/// command-line file and its transitive imports, each as protoc's include
/// paths find it on disk). Built-in files have no path; they are left out,
/// where protoc names its own include directory's copy.
pub(super) fn write_dependency_file(
    invocation: &Invocation,
    compilation: &Compilation,
    path: &str,
    plugin_outputs: &[String],
) -> bool {
    let mut outputs: Vec<String> = plugin_outputs.to_vec();
    outputs.extend(invocation.descriptor_set_out.iter().cloned());
    let tree = SourceTree::new(
        &invocation.proto_paths,
        std::env::var("PROTOC_INCLUDE").ok().as_deref(),
    );
    let mut inputs = Vec::new();
    for id in compilation.file_order(true) {
        let source = compilation.sources.get(id);
        if *source.origin() != Origin::Text {
            continue;
        }
        match tree.virtual_to_disk(source.name()) {
            Some(disk) => inputs.push(disk),
            None => {
                eprintln!("Unable to identify path for file {}", source.name());
                return false;
            }
        }
    }
    let mut text = String::new();
    if !outputs.is_empty() {
        text.push_str(&outputs.join(" \\\n"));
        text.push(':');
        for (i, input) in inputs.iter().enumerate() {
            text.push(' ');
            text.push_str(input);
            if i + 1 < inputs.len() {
                text.push_str("\\\n");
            }
        }
    }
    // Written even when empty, as protoc does.
    if let Err(err) = std::fs::write(path, text) {
        eprintln!("{path}: {}", compile::source_tree::os_error_text(&err));
        return false;
    }
    true
}

/// Prints the free field numbers of `file`'s messages, nested ones before
/// the message that holds them, as protoc does.
pub(super) fn print_free_field_numbers(file: &pb::FileDescriptorProto) {
    let scope = file.package();
    for message in &file.message_type {
        print_message(scope, message);
    }
}

fn print_message(scope: &str, message: &pb::DescriptorProto) {
    let name = if scope.is_empty() {
        message.name().to_owned()
    } else {
        format!("{scope}.{}", message.name())
    };
    for nested in &message.nested_type {
        print_message(&name, nested);
    }
    // Occupied ranges, [start, end), sorted.
    let mut occupied = BTreeSet::new();
    for field in &message.field {
        occupied.insert((field.number(), field.number().saturating_add(1)));
    }
    for range in &message.extension_range {
        occupied.insert((range.start(), range.end()));
    }
    for range in &message.reserved_range {
        occupied.insert((range.start(), range.end()));
    }
    println!("{}", free_numbers_line(&name, &occupied));
}

/// `Name free: 1 3-5 10-INF`, the name padded to 35 columns.
fn free_numbers_line(name: &str, occupied: &BTreeSet<(i32, i32)>) -> String {
    let mut line = format!("{name:<35} free:");
    let mut next = 1;
    for &(start, end) in occupied {
        if next >= end {
            continue;
        }
        if next < start {
            if next + 1 == start {
                line.push_str(&format!(" {next}"));
            } else {
                line.push_str(&format!(" {next}-{}", start - 1));
            }
        }
        next = end;
    }
    if next <= MAX_FIELD_NUMBER {
        line.push_str(&format!(" {next}-INF"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_numbers_are_the_gaps() {
        let occupied = BTreeSet::from([(1, 2), (3, 6), (10, 11)]);
        assert_eq!(
            free_numbers_line("pkg.M", &occupied),
            format!("{:<35} free: 2 6-9 11-INF", "pkg.M")
        );
        let full = BTreeSet::from([(1, MAX_FIELD_NUMBER + 1)]);
        assert_eq!(free_numbers_line("F", &full), format!("{:<35} free:", "F"));
    }
}
