//! Snapshot tests over fixtures/syntax: a compact dump of the syntax tree
//! for each valid file, and the rendered diagnostics for each invalid one.

mod common;

#[test]
fn valid_fixtures_parse_cleanly() {
    insta::glob!("../fixtures/syntax/valid", "*.proto", |path| {
        let checked = common::check(path);
        assert!(
            checked.errors().is_empty(),
            "{} should parse without errors:\n{}",
            path.display(),
            checked.human()
        );
        let source = checked.sources.get(protoc_rs::source::FileId(0));
        insta::assert_snapshot!(protoc_rs::syntax::dump::dump(source, &checked.parsed.file));
    });
}

#[test]
fn invalid_fixtures_render_diagnostics() {
    insta::glob!("../fixtures/syntax/invalid", "*.proto", |path| {
        let checked = common::check(path);
        assert!(
            !checked.errors().is_empty(),
            "{} should have errors",
            path.display()
        );
        insta::assert_snapshot!(checked.human());
    });
}
