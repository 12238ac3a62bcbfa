//! Developer tasks.
//!
//! `cargo run -p xtask -- gen-descriptor-types FDS OUT` turns a
//! FileDescriptorSet of google/protobuf/descriptor.proto (written by protoc
//! 35, see scripts/regen-descriptor-types.sh) into the prost types in
//! src/pb/generated/. prost-types lags behind descriptor.proto (no
//! `edition`, no `features`), so protoc-rs generates its own, the same way
//! prost-types does.
//!
//! `cargo run -p xtask -- prost-build OUT INCLUDE... -- PROTO...` runs the
//! real tonic-prost-build 0.14 (and through it prost-build 0.14) the way a
//! build script does, `configure().compile_protos(protos, includes)` with
//! its defaults, protoc being whatever `$PROTOC` names: the oracle for
//! protoc-rs's Rust code (see scripts/regen-rust-goldens.sh, which points
//! `$PROTOC` at protoc 35). With tonic-prost-build's defaults, prost-build's
//! `cleanup-markdown` feature is on, as in any project that uses it.
//!
//! `cargo run -p xtask -- editions-rewrite --edition 2023|2024 --out OUT
//! [-I ROOT] FILE...` (or positionally, `editions-rewrite 2023|2024 ROOT
//! OUT FILE...`) rewrites each proto2/proto3 FILE (relative to ROOT, `.` by
//! default) as the same file in that edition, written at the same relative
//! path under OUT, with the migration rewriter of
//! tests/support/editions_rewrite.rs; see scripts/editions-rewrite.sh.

use std::path::Path;

use prost::Message;

#[path = "../../tests/support/editions_rewrite.rs"]
mod editions_rewrite;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen-descriptor-types") if args.len() == 4 => {
            gen_descriptor_types(Path::new(&args[2]), Path::new(&args[3]))
        }
        Some("prost-build") if args.len() >= 5 && args[3..].contains(&"--".to_owned()) => {
            let rest = &args[3..];
            let split = rest.iter().position(|a| a == "--").unwrap_or(rest.len());
            prost_build_oracle(Path::new(&args[2]), &rest[..split], &rest[split + 1..])
        }
        Some("editions-rewrite") => editions_rewrite_command(&args[2..]),
        _ => {
            eprintln!(
                "usage: xtask gen-descriptor-types FILE_DESCRIPTOR_SET OUT_DIR\n       \
                 xtask prost-build OUT_DIR INCLUDE... -- PROTO...\n       \
                 xtask editions-rewrite --edition 2023|2024 --out OUT_DIR [-I ROOT] FILE...\n       \
                 xtask editions-rewrite 2023|2024 ROOT OUT_DIR FILE..."
            );
            std::process::exit(2);
        }
    }
}

/// The options messages of descriptor.proto, and `FeatureSet` (whose
/// extensions are language features such as `pb.cpp`). Their `options` and
/// `features` fields are pointed at `crate::pb::raw`, whose types keep the
/// unknown fields (custom options, feature extensions) prost would drop.
const OPTIONS_MESSAGES: [&str; 10] = [
    "FileOptions",
    "MessageOptions",
    "FieldOptions",
    "OneofOptions",
    "EnumOptions",
    "EnumValueOptions",
    "ServiceOptions",
    "MethodOptions",
    "ExtensionRangeOptions",
    "FeatureSet",
];

fn point_options_at_raw(message: &mut prost_types::DescriptorProto) {
    for field in &mut message.field {
        let name = field
            .type_name()
            .trim_start_matches(".google.protobuf.")
            .to_owned();
        let kept = matches!(field.name(), "options" | "features");
        if OPTIONS_MESSAGES.contains(&name.as_str()) && kept {
            field.type_name = Some(format!(".google.protobuf.raw.{name}"));
        }
    }
    for nested in &mut message.nested_type {
        point_options_at_raw(nested);
    }
}

fn gen_descriptor_types(fds_path: &Path, out_dir: &Path) {
    let bytes = std::fs::read(fds_path).expect("read the descriptor set");
    let mut fds = prost_types::FileDescriptorSet::decode(bytes.as_slice()).expect("decode");
    for file in &mut fds.file {
        for message in &mut file.message_type {
            point_options_at_raw(message);
        }
    }
    // prost-build wants every referenced message in its graph, extern or not.
    fds.file.push(prost_types::FileDescriptorProto {
        name: Some("google/protobuf/raw.proto".into()),
        package: Some("google.protobuf.raw".into()),
        message_type: OPTIONS_MESSAGES
            .iter()
            .map(|name| prost_types::DescriptorProto {
                name: Some((*name).into()),
                // A string and a double, as the real types hold: the
                // messages that contain them then derive neither Copy nor
                // Eq and Hash, which `WithUnknown` does not implement.
                field: ["text", "number"]
                    .iter()
                    .zip([
                        prost_types::field_descriptor_proto::Type::String,
                        prost_types::field_descriptor_proto::Type::Double,
                    ])
                    .enumerate()
                    .map(|(i, (field, ty))| prost_types::FieldDescriptorProto {
                        name: Some((*field).into()),
                        number: Some(i as i32 + 1),
                        label: Some(prost_types::field_descriptor_proto::Label::Optional as i32),
                        r#type: Some(ty as i32),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    });
    std::fs::create_dir_all(out_dir).expect("create the output directory");
    prost_build::Config::new()
        .out_dir(out_dir)
        // By default prost-build maps google.protobuf to prost-types.
        .compile_well_known_types()
        .extern_path(".google.protobuf.raw", "crate::pb::raw")
        // Options are rare and their messages large (FieldOptions is most of
        // a FieldDescriptorProto's size): boxed, a large file's descriptors
        // take half the memory.
        .boxed(".google.protobuf.FileDescriptorProto.options")
        .boxed(".google.protobuf.DescriptorProto.options")
        .boxed(".google.protobuf.DescriptorProto.ExtensionRange.options")
        .boxed(".google.protobuf.FieldDescriptorProto.options")
        .boxed(".google.protobuf.OneofDescriptorProto.options")
        .boxed(".google.protobuf.EnumDescriptorProto.options")
        .boxed(".google.protobuf.EnumValueDescriptorProto.options")
        .boxed(".google.protobuf.ServiceDescriptorProto.options")
        .boxed(".google.protobuf.MethodDescriptorProto.options")
        // Mechanical code only: no copy of descriptor.proto's comments.
        .disable_comments(["."])
        .compile_fds(fds)
        .expect("generate");
}

/// tonic-prost-build 0.14 with its defaults, called as a project's
/// build.rs calls it.
fn prost_build_oracle(out_dir: &Path, includes: &[String], protos: &[String]) {
    std::fs::create_dir_all(out_dir).expect("create the output directory");
    tonic_prost_build::configure()
        .out_dir(out_dir)
        .compile_protos(protos, includes)
        .expect("tonic-prost-build");
}

/// `editions-rewrite`'s arguments, in either form.
fn editions_rewrite_command(args: &[String]) {
    let usage = || -> ! {
        eprintln!(
            "usage: xtask editions-rewrite --edition 2023|2024 --out OUT_DIR [-I ROOT] FILE...\n       \
             xtask editions-rewrite 2023|2024 ROOT OUT_DIR FILE..."
        );
        std::process::exit(2);
    };
    if args.first().is_some_and(|a| !a.starts_with('-')) {
        if args.len() < 3 {
            usage();
        }
        return editions_rewrite(
            &args[0],
            Path::new(&args[1]),
            Path::new(&args[2]),
            &args[3..],
        );
    }
    let (mut edition, mut out, mut root, mut files) = (None, None, ".".to_owned(), Vec::new());
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--edition" => edition = rest.next().cloned(),
            "--out" => out = rest.next().cloned(),
            "-I" => root = rest.next().cloned().unwrap_or_else(|| usage()),
            _ if arg.starts_with("--edition=") => {
                edition = Some(arg["--edition=".len()..].to_owned())
            }
            _ if arg.starts_with("--out=") => out = Some(arg["--out=".len()..].to_owned()),
            _ if arg.starts_with("-I") => root = arg[2..].to_owned(),
            _ if arg.starts_with('-') => usage(),
            _ => files.push(arg.clone()),
        }
    }
    let (Some(edition), Some(out)) = (edition, out) else {
        usage()
    };
    editions_rewrite(&edition, Path::new(&root), Path::new(&out), &files);
}

/// See the module documentation. Files that cannot be rewritten (already in
/// editions, say) are reported and skipped; the exit status is 1 if any was.
fn editions_rewrite(edition: &str, root: &Path, out: &Path, files: &[String]) {
    use editions_rewrite::{rewrite, Edition};
    let Some(edition) = Edition::from_name(edition) else {
        eprintln!("editions-rewrite: unknown edition {edition} (2023 or 2024)");
        std::process::exit(2);
    };
    let mut skipped = 0;
    for file in files {
        let source = match std::fs::read_to_string(root.join(file)) {
            Ok(source) => source,
            Err(e) => {
                eprintln!("{file}: {e}");
                std::process::exit(1);
            }
        };
        match rewrite(&source, edition) {
            Ok(text) => {
                let target = out.join(file);
                let written = target
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&target, text));
                if let Err(e) = written {
                    eprintln!("{}: {e}", target.display());
                    std::process::exit(1);
                }
            }
            Err(why) => {
                eprintln!("{file}: not rewritten: {why}");
                skipped += 1;
            }
        }
    }
    if skipped > 0 {
        std::process::exit(1);
    }
}
