//! The `calculator serve` binary as a child process, for the load tool
//! (`src/bin/calculator-load.rs`) and the tests that run the server whole:
//! its address, its log, signals, and its use of CPU, memory and file
//! descriptors from /proc. Linux only. Also a client stream that puts each
//! message in a DATA frame of its own.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::pin::Pin;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio_stream::Stream;

/// How long a server may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A `calculator serve` process, killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: String,
    log: Arc<Mutex<String>>,
    log_reader: Option<std::thread::JoinHandle<()>>,
}

impl ServerProcess {
    /// Runs `BIN serve --addr 127.0.0.1:0 ARGS` with `RUST_LOG` as given
    /// (unset when `None`) and, when `fd_limit` is given, that many file
    /// descriptors at most; waits for the address it prints.
    pub fn start(
        bin: &Path,
        args: &[&str],
        rust_log: Option<&str>,
        fd_limit: Option<u64>,
    ) -> Result<ServerProcess, String> {
        let mut command = Command::new(bin);
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        match rust_log {
            Some(filter) => command.env("RUST_LOG", filter),
            None => command.env_remove("RUST_LOG"),
        };
        if let Some(limit) = fd_limit {
            limit_fds(&mut command, limit);
        }
        let mut child = command
            .spawn()
            .map_err(|error| format!("cannot run {}: {error}", bin.display()))?;
        let stderr = child.stderr.take().ok_or("stderr is not piped")?;
        let log = Arc::new(Mutex::new(String::new()));
        let (addr_sender, addr_receiver) = std::sync::mpsc::channel::<String>();
        let log_reader = {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Some(addr) = line
                        .split_whitespace()
                        .find_map(|word| word.strip_prefix("local="))
                    {
                        let _ = addr_sender.send(addr.to_owned());
                    }
                    let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                    log.push_str(&line);
                    log.push('\n');
                }
            })
        };
        let mut server = ServerProcess {
            child,
            addr: String::new(),
            log,
            log_reader: Some(log_reader),
        };
        match addr_receiver.recv_timeout(START_TIMEOUT) {
            Ok(addr) => server.addr = addr,
            Err(_) => {
                return Err(format!(
                    "the server printed no address in {START_TIMEOUT:?}; its log:\n{}",
                    server.log_after_exit_or_kill()
                ))
            }
        }
        Ok(server)
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What it has written to stderr so far.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits for the process to exit, then for its stderr to be read to
    /// the end, and returns the whole log.
    pub fn log_after_exit(&mut self) -> String {
        let _ = self.child.wait();
        if let Some(reader) = self.log_reader.take() {
            let _ = reader.join();
        }
        self.log()
    }

    fn log_after_exit_or_kill(&mut self) -> String {
        let _ = self.child.kill();
        self.log_after_exit()
    }

    /// Sends `signal`; whether it was delivered.
    #[must_use]
    pub fn signal(&self, signal: i32) -> bool {
        // SAFETY: kill(2) with our own child's pid.
        unsafe { libc::kill(self.pid(), signal) == 0 }
    }

    /// Its exit status if it exits within `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits up to `timeout` for a log line containing every one of `words`.
    pub fn wait_for_log(&self, words: &[&str], timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self
                .log()
                .lines()
                .find(|line| words.iter().all(|word| line.contains(word)))
                .map(str::to_owned);
            if found.is_some() || Instant::now() >= deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// User plus system CPU time it has used so far, from /proc/PID/stat.
    pub fn cpu_time(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // The fields after the command name, which is in parentheses and
        // may hold spaces: state is field 3, utime 14 and stime 15.
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
            .sum();
        // SAFETY: sysconf has no preconditions.
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Duration::from_micros(ticks * 1_000_000 / ticks_per_second)
    }

    /// A /proc/PID/status field in kB.
    fn status_kb(&self, field: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .unwrap_or_default()
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Resident memory now, in kB.
    pub fn rss(&self) -> u64 {
        self.status_kb("VmRSS:")
    }

    /// The most resident memory so far, in kB.
    pub fn peak_rss(&self) -> u64 {
        self.status_kb("VmHWM:")
    }

    /// How many file descriptors it has open.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|entries| entries.count())
            .unwrap_or(0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lowers the child's soft and hard file-descriptor limits to `limit`, so
/// that only it, not this process, runs short of descriptors.
pub fn limit_fds(command: &mut Command, limit: u64) {
    use std::os::unix::process::CommandExt;
    let rlimit = libc::rlimit {
        rlim_cur: limit as libc::rlim_t,
        rlim_max: limit as libc::rlim_t,
    };
    // SAFETY: setrlimit(2) is async-signal-safe and touches no memory
    // shared with the parent.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Yields `items` one at a time with a `Pending` before each, so that
/// tonic flushes every message on its own: one message, one DATA frame,
/// as grpcio and most clients streaming live data send them.
pub struct OnePerFrame<I> {
    items: I,
    ready: bool,
}

impl<I> OnePerFrame<I> {
    pub fn new(items: I) -> OnePerFrame<I> {
        OnePerFrame {
            items,
            ready: false,
        }
    }
}

impl<I: Iterator + Unpin> Stream for OnePerFrame<I> {
    type Item = I::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        if !self.ready {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.ready = false;
        Poll::Ready(self.items.next())
    }
}
