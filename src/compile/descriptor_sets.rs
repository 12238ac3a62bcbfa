//! `--descriptor_set_in`: files that arrive as descriptors rather than
//! `.proto` text. As in protoc, a name is looked up in the sets in the
//! order given, and within a set the first file of a name wins; the sets
//! are searched only after the include paths.

use std::collections::HashMap;

use prost::Message;

use super::RunError;
use crate::pb;

/// The files of every descriptor set of a run.
#[derive(Default)]
pub struct DescriptorSets {
    /// Each file with the path of the set it came from.
    files: Vec<(pb::FileDescriptorProto, String)>,
    by_name: HashMap<String, usize>,
    /// The sets' paths, in order: files a build must watch.
    paths: Vec<String>,
}

impl DescriptorSets {
    /// Reads and decodes every set. A set that cannot be read or decoded
    /// stops the run, as in protoc, with an error naming the file.
    pub fn load(paths: &[String]) -> Result<DescriptorSets, RunError> {
        let mut sets = DescriptorSets::default();
        for path in paths {
            let bytes = std::fs::read(path).map_err(|err| RunError {
                code: crate::diagnostics::Code::UnusableDescriptorSet,
                file: Some(path.clone()),
                message: format!("cannot read descriptor set `{path}`: {err}"),
                // protoc names ENOENT whatever the reason.
                protoc: format!("{path}: No such file or directory"),
            })?;
            sets.add(path, &bytes)?;
        }
        Ok(sets)
    }

    /// Adds the files of one encoded set.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), RunError> {
        let set = pb::FileDescriptorSet::decode(bytes).map_err(|err| RunError {
            code: crate::diagnostics::Code::UnusableDescriptorSet,
            file: Some(path.to_owned()),
            message: format!("`{path}` is not a FileDescriptorSet (corrupt or truncated?): {err}"),
            protoc: format!("{path}: Unable to parse."),
        })?;
        for file in set.file {
            let name = file.name().to_owned();
            if self.by_name.contains_key(&name) {
                continue;
            }
            self.by_name.insert(name, self.files.len());
            self.files.push((file, path.to_owned()));
        }
        self.paths.push(path.to_owned());
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The file named `name`, and the path of its set.
    pub fn get(&self, name: &str) -> Option<(&pb::FileDescriptorProto, &str)> {
        let (file, path) = &self.files[*self.by_name.get(name)?];
        Some((file, path))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    pub fn files(&self) -> impl Iterator<Item = &pb::FileDescriptorProto> {
        self.files.iter().map(|(file, _)| file)
    }

    pub fn paths(&self) -> &[String] {
        &self.paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[(&str, &str)]) -> Vec<u8> {
        pb::FileDescriptorSet {
            file: names
                .iter()
                .map(|(name, package)| pb::FileDescriptorProto {
                    name: Some((*name).to_owned()),
                    package: Some((*package).to_owned()),
                    ..Default::default()
                })
                .collect(),
        }
        .encode_to_vec()
    }

    #[test]
    fn the_first_file_of_a_name_wins_within_and_across_sets() {
        let mut sets = DescriptorSets::default();
        sets.add(
            "one.pb",
            &set(&[("a.proto", "first"), ("a.proto", "second")]),
        )
        .unwrap();
        sets.add("two.pb", &set(&[("a.proto", "third"), ("b.proto", "b")]))
            .unwrap();
        let (a, from) = sets.get("a.proto").unwrap();
        assert_eq!((a.package(), from), ("first", "one.pb"));
        assert_eq!(sets.get("b.proto").unwrap().1, "two.pb");
        assert!(sets.get("c.proto").is_none());
    }

    #[test]
    fn corrupt_and_truncated_sets_are_errors_naming_the_file() {
        let mut sets = DescriptorSets::default();
        let whole = set(&[("a.proto", "pkg")]);
        let error = sets.add("cut.pb", &whole[..whole.len() - 2]).unwrap_err();
        assert_eq!(error.protoc, "cut.pb: Unable to parse.");
        assert!(error.message.contains("`cut.pb`"), "{}", error.message);
        assert!(sets.add("junk.pb", b"\xff\xff\xff").is_err());
        let missing = DescriptorSets::load(&["/nonexistent/x.pb".to_owned()])
            .err()
            .unwrap();
        assert_eq!(
            missing.protoc,
            "/nonexistent/x.pb: No such file or directory"
        );
    }
}
