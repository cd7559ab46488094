//! The console the program runs in (the binary's side of the platform):
//! UTF-8 output on Windows, whether it was started by a double-click in
//! Explorer (then the window must not vanish before the user has read it),
//! waiting for Enter, and opening a report in the default browser. Prints
//! nothing itself. Paths as the platform writes them are the library's
//! `console` module (the terminal reporter uses them too).

use std::path::Path;

#[cfg(windows)]
mod win {
    #[link(name = "kernel32")]
    extern "system" {
        pub fn SetConsoleOutputCP(code_page: u32) -> i32;
        pub fn SetConsoleCP(code_page: u32) -> i32;
        pub fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
    }
    pub const UTF8: u32 = 65001;
}

/// Has glibc give freed memory back to the system once a megabyte of it is
/// free at the top of the heap (its default follows the largest block
/// freed, up to 32 MB, which a run's read buffers reach: a 1M-row run then
/// peaks about a fifth higher). Nothing elsewhere: other allocators
/// (Windows, musl) give back on their own.
pub fn tune_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt with a documented parameter and a constant value,
    // before any thread is started.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
    }
}

/// One worker thread more than the machine has cores (unless
/// `RAYON_NUM_THREADS` says otherwise): the report writers and the reader
/// wait on the disk now and then, and a core would stand idle meanwhile
/// (on 2 cores, 1M- and 10M-row runs take 7–12 % less time).
pub fn tune_threads() {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Fails only when a pool exists already: then that one is used.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(cores + 1).build_global();
}

/// Sets a Windows console's code pages to UTF-8, so that å/ä/ö print right
/// also where the text is not written as wide characters (a child
/// process, a redirected stream read by the console). Nothing elsewhere.
pub fn prepare() {
    #[cfg(windows)]
    // SAFETY: plain Win32 calls with constant arguments; they fail
    // harmlessly when the process has no console.
    unsafe {
        win::SetConsoleOutputCP(win::UTF8);
        win::SetConsoleCP(win::UTF8);
    }
}

/// True when the program was started from Explorer (a double-click): on
/// Windows, standard input is a console and this process is the only one
/// attached to it. Never under CI, from a script or from a terminal (a
/// shell shares its console), so those never wait.
pub fn started_from_explorer() -> bool {
    if std::env::var_os("CI").is_some() {
        return false;
    }
    #[cfg(windows)]
    {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            return false;
        }
        let mut ids = [0u32; 4];
        // SAFETY: the buffer holds `ids.len()` entries, as the call is told.
        let attached = unsafe { win::GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
        attached == 1
    }
    #[cfg(not(windows))]
    false
}

/// True when standard output is a terminal a person reads.
pub fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

/// Waits until the user presses Enter; returns at once at the end of input
/// (closed or redirected standard input never hangs).
pub fn wait_for_enter() {
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// Opens `file` in the default program (the browser for an HTML report),
/// best effort: the program is started and never waited for, its streams
/// are closed, and `false` says it could not be started.
pub fn open(file: &Path) -> bool {
    use std::process::{Command, Stdio};
    #[cfg(windows)]
    let mut command = {
        use std::os::windows::process::CommandExt;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        let mut c = Command::new("explorer.exe");
        c.arg(file).creation_flags(CREATE_NO_WINDOW);
        c
    };
    #[cfg(target_os = "macos")]
    let mut command = {
        let mut c = Command::new("open");
        c.arg(file);
        c
    };
    #[cfg(not(any(windows, target_os = "macos")))]
    let mut command = {
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return false;
        }
        let mut c = Command::new("xdg-open");
        c.arg(file);
        c
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_windows_knows_a_double_click() {
        assert!(!started_from_explorer() || cfg!(windows));
    }
}
