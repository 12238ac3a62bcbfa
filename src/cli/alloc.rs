//! The binaries' global allocator: an allocation that cannot succeed is a
//! clear error, not an abort.
//!
//! Rust's default answer to a failed allocation prints `memory allocation
//! of N bytes failed` and aborts (SIGABRT, exit status 134), which reads as
//! a crash. [`FailClearly`] wraps the real allocator and, when it returns
//! null, writes one line to stderr and exits with status 1, as any other
//! error of a run:
//!
//! ```text
//! protoc-rs: out of memory: could not allocate 123456789 bytes
//! ```
//!
//! Nothing on that path allocates: the line is assembled in a stack buffer
//! and written straight to file descriptor 2, and the process ends with
//! `_exit`, which runs no destructors, `atexit` handlers or stdio flushes
//! (another thread may hold any lock, and memory is gone).
//!
//! Outputs are never half written. `protoc-rs compile` writes every output
//! of a run with one [`crate::compile::output::write_all`] call at its very
//! end, after every large allocation, so running out of memory changes no
//! output (that module's documentation says what an allocation failing
//! inside the write itself could leave behind: at most a temporary file).
//! protoc's command line writes as protoc does: the generators' outputs
//! first, then the descriptor set (`-o`), which is built only then; so the
//! line does not claim that nothing was written. The plugin writes its
//! response only once it is complete.
//!
//! Fallible allocations (`try_reserve`, and std's own, e.g. in
//! `read_to_end`) end the process the same way instead of returning an
//! error: the binaries have no better answer to running out of memory.

use std::alloc::{GlobalAlloc, Layout};

/// A global allocator that delegates to `A` and turns its failures into a
/// clear error (see the module documentation). Zero cost on success: each
/// method is the inner call plus a null check.
pub struct FailClearly<A> {
    inner: A,
    /// Starts the error line: the binary's name.
    program: &'static str,
}

impl<A> FailClearly<A> {
    /// `inner`, failing as `program` (the binary's name, for the error line).
    pub const fn new(program: &'static str, inner: A) -> FailClearly<A> {
        FailClearly { inner, program }
    }
}

// SAFETY: every method delegates to `inner` with the caller's arguments and
// returns its result unchanged; a null result never returns at all.
unsafe impl<A: GlobalAlloc> GlobalAlloc for FailClearly<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the inner allocator's.
        let ptr = unsafe { self.inner.alloc(layout) };
        if ptr.is_null() {
            out_of_memory(self.program, layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
        if ptr.is_null() {
            out_of_memory(self.program, layout.size());
        }
        ptr
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as `alloc`.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as `alloc`.
        let new = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if new.is_null() {
            out_of_memory(self.program, new_size);
        }
        new
    }
}

/// Writes the error line and ends the process with status 1, allocating
/// nothing.
#[cold]
#[inline(never)]
fn out_of_memory(program: &str, size: usize) -> ! {
    let mut line = Line::default();
    line.push(program.as_bytes());
    line.push(b": out of memory: could not allocate ");
    line.push_number(size);
    line.push(b" bytes\n");
    line.write_to_stderr();
    exit_now(1)
}

/// A line assembled on the stack; what does not fit is cut.
struct Line {
    bytes: [u8; 256],
    len: usize,
}

impl Default for Line {
    fn default() -> Line {
        Line {
            bytes: [0; 256],
            len: 0,
        }
    }
}

impl Line {
    fn push(&mut self, text: &[u8]) {
        let n = text.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&text[..n]);
        self.len += n;
    }

    /// `n` in decimal.
    fn push_number(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[start..]);
    }

    fn text(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// One `write(2)` per chunk on file descriptor 2: `File`'s `Write` is
    /// the system call and nothing more (no lock, no buffer, no thread
    /// handle), unlike `std::io::stderr()`, whose lock may allocate.
    #[cfg(unix)]
    fn write_to_stderr(&self) {
        use std::io::Write;
        use std::os::unix::io::FromRawFd;
        // SAFETY: file descriptor 2 stays open: the `File` is never
        // dropped, so it is never closed.
        let mut stderr = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(2) });
        let _ = stderr.write_all(self.text());
    }

    #[cfg(not(unix))]
    fn write_to_stderr(&self) {
        use std::io::Write;
        let _ = std::io::stderr().write_all(self.text());
    }
}

/// Ends the process at once: no destructors, no `atexit` handlers, no
/// flush of buffered stdout (which could be a partial output).
#[cfg(unix)]
fn exit_now(status: std::ffi::c_int) -> ! {
    extern "C" {
        fn _exit(status: std::ffi::c_int) -> !;
    }
    // SAFETY: `_exit` takes any status and does not return.
    unsafe { _exit(status) }
}

#[cfg(not(unix))]
fn exit_now(status: std::ffi::c_int) -> ! {
    std::process::exit(status)
}

#[cfg(test)]
mod tests {
    use super::Line;

    fn number(n: usize) -> String {
        let mut line = Line::default();
        line.push_number(n);
        String::from_utf8(line.text().to_vec()).unwrap()
    }

    #[test]
    fn numbers_are_decimal() {
        assert_eq!(number(0), "0");
        assert_eq!(number(7), "7");
        assert_eq!(number(123456789), "123456789");
        assert_eq!(number(usize::MAX), usize::MAX.to_string());
    }

    #[test]
    fn a_long_line_is_cut() {
        let mut line = Line::default();
        line.push(&[b'x'; 300]);
        line.push(b"more");
        assert_eq!(line.text(), &[b'x'; 256][..]);
    }
}
