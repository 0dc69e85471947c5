//! Reading .xls and .ods in a child process that may die without taking the batch with it.
//!
//! calamine parses an .xls or .ods whole when it opens it, into dense sheets sized by the
//! cells' bounding box, before any of our limits can apply: a 30 KB .xls whose one cell
//! claims to sit at column 60,000 makes it ask for gigabytes, and the allocation failure
//! aborts the process (fuzz/findings/xls-dense-range-oom.xls). An abort cannot be caught,
//! so the command-line tool parses these formats in a child process (`duban read-isolated`)
//! with a cap on its address space and a deadline. How the child ended says what happened:
//! an abort (the allocator's answer to a refused allocation) or a kill is a file that needs
//! too much memory; a deadline passed is a timeout; anything else a damaged file. Library
//! users and the fuzz target read in-process.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::{quiet_panics, read_dense, Format, Limits, ReadError, Workbook};

/// Where the .xls and .ods readers run.
#[derive(Clone, Debug, Default)]
pub enum Isolation {
    #[default]
    InProcess,
    Child {
        /// The duban executable to run as `exe read-isolated`.
        exe: PathBuf,
        /// Address space allowed to the child (Unix only; elsewhere only the deadline).
        memory_bytes: u64,
        timeout: Duration,
    },
}

impl Limits {
    /// The default limits, with .xls and .ods read in a child of the running executable
    /// (2 GiB, 60 s). Falls back to in-process when the executable cannot be found.
    pub fn isolated() -> Limits {
        let isolation = match std::env::current_exe() {
            Ok(exe) => Isolation::Child {
                exe,
                memory_bytes: 2 << 30,
                timeout: Duration::from_secs(60),
            },
            Err(_) => Isolation::InProcess,
        };
        Limits {
            isolation,
            ..Limits::default()
        }
    }
}

/// The name of the hidden subcommand that runs [`isolated_child`].
pub const ISOLATED_SUBCOMMAND: &str = "read-isolated";

/// Reads an .xls or .ods where `limits.isolation` says: in this process, or in a child.
pub(super) fn read_dense_isolated(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Workbook, ReadError> {
    let Isolation::Child {
        exe,
        memory_bytes,
        timeout,
    } = &limits.isolation
    else {
        return read_dense(format, bytes, limits);
    };
    // Held until the child has ended: its memory counts against the run's budget.
    let _reserved = super::budget::shared().reserve(*memory_bytes);
    let limits_json = serde_json::to_string(limits).expect("limits serialise");
    let mut child = Command::new(exe)
        .arg(ISOLATED_SUBCOMMAND)
        .arg(match format {
            Format::Xls => "xls",
            _ => "ods",
        })
        .arg(memory_bytes.to_string())
        .arg(limits_json)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ReadError::Io {
            message: format!("无法启动读取进程：{}", crate::fsutil::describe_io(&e)),
        })?;
    let (mut stdin, mut stdout) = (
        child.stdin.take().expect("piped"),
        child.stdout.take().expect("piped"),
    );
    let deadline = Instant::now() + *timeout;
    let (status, out) = std::thread::scope(|scope| {
        // The child may die before reading all its input; a broken pipe is then expected.
        scope.spawn(move || {
            let _ = stdin.write_all(bytes);
        });
        let out = scope.spawn(move || {
            let mut v = Vec::new();
            let _ = stdout.read_to_end(&mut v);
            v
        });
        let mut pause = Duration::from_micros(200);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                Ok(None) => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(20));
                }
                Err(_) => break child.wait().ok(),
            }
        };
        (status, out.join().unwrap_or_default())
    });
    let Some(status) = status else {
        return Err(ReadError::Timeout {
            secs: timeout.as_secs().max(1),
        });
    };
    if status.success() {
        if let Ok(result) = serde_json::from_slice::<Result<Workbook, ReadError>>(&out) {
            return result;
        }
    }
    Err(ended(status, *memory_bytes))
}

/// What a child's end says about the file it was reading.
fn ended(status: ExitStatus, memory_bytes: u64) -> ReadError {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // A refused allocation aborts (SIGABRT); the kernel's out-of-memory killer kills.
        if let Some(libc::SIGABRT | libc::SIGKILL) = status.signal() {
            return ReadError::OutOfMemory {
                limit_mb: memory_bytes >> 20,
            };
        }
    }
    let _ = memory_bytes;
    ReadError::Panic {
        detail: format!("读取进程异常退出（{status}）"),
    }
}

/// The child's side of [`Isolation::Child`]: `duban read-isolated xls|ods MEMORY LIMITS`.
/// Reads the file's bytes from stdin, caps its own address space, parses, and writes the
/// result as JSON to stdout. A cap that cannot be set is an error, not a silent read
/// without it.
pub fn isolated_child(args: &[String]) -> std::process::ExitCode {
    let usage = || {
        eprintln!("usage: duban {ISOLATED_SUBCOMMAND} xls|ods MEMORY_BYTES LIMITS_JSON");
        std::process::ExitCode::from(2)
    };
    let [format, memory, limits] = args else {
        return usage();
    };
    let format = match format.as_str() {
        "xls" => Format::Xls,
        "ods" => Format::Ods,
        _ => return usage(),
    };
    let (Ok(memory), Ok(limits)) = (
        memory.parse::<u64>(),
        serde_json::from_str::<Limits>(limits),
    ) else {
        return usage();
    };
    let mut bytes = Vec::new();
    if std::io::stdin().read_to_end(&mut bytes).is_err() {
        return usage();
    }
    match crate::fault::at("read-child").as_deref() {
        Some("abort") => std::process::abort(),
        #[cfg(unix)]
        Some("segv") => unsafe {
            // SAFETY: restoring the default action and raising a signal at ourselves touch
            // no memory of ours (the default action ends the process).
            libc::signal(libc::SIGSEGV, libc::SIG_DFL);
            libc::raise(libc::SIGSEGV);
        },
        _ => {}
    }
    let result = match cap_address_space(memory) {
        Err(e) => Err(ReadError::Sandbox {
            message: crate::fsutil::describe_io(&e),
        }),
        Ok(()) if bytes.len() as u64 > limits.file_bytes => Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.file_bytes,
        }),
        Ok(()) => quiet_panics(|| read_dense(format, &bytes, &limits)),
    };
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut out, &result).is_ok() && out.flush().is_ok();
    if written {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(3)
    }
}

#[cfg(unix)]
fn cap_address_space(bytes: u64) -> std::io::Result<()> {
    if crate::fault::armed("read-child", "rlimit") {
        return Err(std::io::Error::from_raw_os_error(libc::EPERM));
    }
    let limit = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct we pass and touches no memory of ours.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn cap_address_space(_bytes: u64) -> std::io::Result<()> {
    Ok(())
}
