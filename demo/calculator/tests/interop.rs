//! Interoperability with Python grpcio over real HTTP/2, both ways: a
//! Python client (tests/python/client_check.py) against the Rust server,
//! and the Rust client against a Python server that behaves like the
//! seed's (tests/python/server.py). Stubs come from `python3 -m
//! grpc_tools.protoc` on the same proto, in a temporary directory.
//!
//! Under `CI=true` these tests must run: a missing python3, grpcio or
//! grpcio-tools fails them. Elsewhere they are skipped with a message.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use calculator::{client, ServerConfig};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python stubs of the calculator proto, or `None` (skip) when Python
/// with grpcio is not available outside CI.
fn python_stubs(name: &str) -> Option<PathBuf> {
    let available = Command::new("python3")
        .args(["-c", "import grpc, grpc_tools"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true: the interop tests need python3 with grpcio and grpcio-tools");
        }
        eprintln!("skipped: python3 with grpcio and grpcio-tools is not installed (pip install grpcio grpcio-tools)");
        return None;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let proto_dir = manifest_dir().join("../../fixtures");
    // The Python modules are named after the seed's file: test.proto.
    std::fs::copy(proto_dir.join("calculator.proto"), dir.join("test.proto")).unwrap();
    let status = Command::new("python3")
        .args([
            "-m",
            "grpc_tools.protoc",
            "-I",
            ".",
            "--python_out=.",
            "--grpc_python_out=.",
            "test.proto",
        ])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success(), "grpc_tools.protoc failed");
    Some(dir)
}

fn script(name: &str) -> PathBuf {
    manifest_dir().join("tests/python").join(name)
}

#[tokio::test(flavor = "multi_thread")]
async fn python_client_against_rust_server() {
    let Some(stubs) = python_stubs("interop-python-client") else {
        return;
    };
    let (listener, local) = calculator::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(calculator::serve(
        listener,
        ServerConfig::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script("client_check.py"))
            .arg(&stubs)
            .arg(local.to_string())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    assert!(
        output.status.success(),
        "python client: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rust_client_against_python_server() {
    let Some(stubs) = python_stubs("interop-python-server") else {
        return;
    };
    let mut server = Command::new("python3")
        .arg(script("server.py"))
        .arg(&stubs)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let addr = format!("127.0.0.1:{}", port.trim());
    let mut out = Vec::new();
    let result = client::run(&addr, &mut out, &mut client::Dice::from_clock()).await;
    drop(server.stdin.take());
    let _ = server.wait();
    result.unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("100 + 20 = 120\n100 - 20 = 80\n100 * 20 = 2000\n100 // 20 = 5\n"),
        "{text}"
    );
    assert!(
        text.contains("StatusCode.INVALID_ARGUMENT: cannot divide by 0\npython\nc++\n"),
        "{text}"
    );
    assert!(text.contains("\nsum="), "{text}");
}
