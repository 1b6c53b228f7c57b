//! The preview's connections. One thread waits on all of them at once (poll(2)) and reads each
//! request's head as its bytes come; a head that is complete goes to one of a few threads that
//! answer. At most [`MAX_OPEN`] connections are kept: a new one drops the one waiting longest,
//! and one that has not sent its head [`IDLE`] after it opened is dropped. So no number of
//! connections, idle or slow, starts a thread or keeps the next request from being answered.

use std::io::{ErrorKind, Read};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The connections kept open at once, well under a process's usual 1,024 files.
const MAX_OPEN: usize = 256;
/// How long a connection may take to send its request's head.
const IDLE: Duration = Duration::from_secs(10);
/// The threads that answer: a browser asks for a page and, each second, its version.
const WORKERS: usize = 4;
/// The most of a request read: its line and headers.
pub const MAX_HEAD: usize = 8 * 1024;

/// What answers a request: its connection and its head.
pub type Answer = Arc<dyn Fn(TcpStream, &[u8]) + Send + Sync>;
/// A request to answer: its connection and its head.
type Request = (TcpStream, Vec<u8>);

/// A connection whose request's head has not all come.
struct Waiting {
    stream: TcpStream,
    head: Vec<u8>,
    opened: Instant,
}

/// Answers the connections `listener` accepts, each request's head given to `answer` with its
/// connection, until the process ends.
pub fn serve(listener: &TcpListener, answer: Answer) {
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    let send = workers(&answer);
    let mut waiting: Vec<Waiting> = Vec::new();
    loop {
        let ready = wait(listener, &waiting);
        let now = Instant::now();
        for at in (0..waiting.len()).rev() {
            match ready.get(at + 1).copied().unwrap_or(false).then(|| read(&mut waiting[at])) {
                Some(Received::Closed) => drop(waiting.remove(at)),
                Some(Received::Head) => {
                    let Waiting { stream, head, .. } = waiting.remove(at);
                    match &send {
                        Some(send) => _ = send.send((stream, head)),
                        None => answer(stream, &head),
                    }
                }
                Some(Received::More) | None => {}
            }
        }
        waiting.retain(|connection| now.duration_since(connection.opened) < IDLE);
        accept(listener, &mut waiting);
    }
}

/// The threads that answer, fed through a queue a few requests long; none if no thread could
/// start, and then the requests are answered where they are read.
fn workers(answer: &Answer) -> Option<SyncSender<Request>> {
    let (send, receive) = sync_channel::<Request>(WORKERS * 4);
    let receive: Arc<Mutex<Receiver<Request>>> = Arc::new(Mutex::new(receive));
    let mut started = 0;
    for _ in 0..WORKERS {
        let (receive, answer) = (Arc::clone(&receive), Arc::clone(answer));
        let worker = move || loop {
            let job = receive.lock().unwrap_or_else(|e| e.into_inner()).recv();
            match job {
                Ok((stream, head)) => answer(stream, &head),
                Err(_) => return,
            }
        };
        started += usize::from(std::thread::Builder::new().name("preview".into()).spawn(worker).is_ok());
    }
    (started > 0).then_some(send)
}

/// Waits until the listener or a connection has something to read (or a second has passed, so
/// that idle connections are dropped on time): whether each is ready, the listener first.
fn wait(listener: &TcpListener, waiting: &[Waiting]) -> Vec<bool> {
    let fds = std::iter::once(listener.as_raw_fd()).chain(waiting.iter().map(|w| w.stream.as_raw_fd()));
    let mut polled: Vec<libc::pollfd> = fds.map(|fd| libc::pollfd { fd, events: libc::POLLIN, revents: 0 }).collect();
    // SAFETY: `polled` is a live array of `polled.len()` pollfd structures, each holding a file
    // descriptor this thread owns for the duration of the call.
    let count = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, 1000) };
    match count {
        n if n > 0 => polled.iter().map(|p| p.revents != 0).collect(),
        _ => vec![false; polled.len()],
    }
}

enum Received {
    /// The head is all there (or as much of it as is ever read).
    Head,
    More,
    Closed,
}

/// Reads what a connection has sent.
fn read(connection: &mut Waiting) -> Received {
    let mut buffer = [0u8; 2048];
    match connection.stream.read(&mut buffer) {
        Ok(0) => Received::Closed,
        Ok(read) => {
            let room = MAX_HEAD - connection.head.len();
            connection.head.extend_from_slice(&buffer[..read.min(room)]);
            let ended = connection.head.windows(4).any(|w| w == b"\r\n\r\n");
            if ended || connection.head.len() >= MAX_HEAD { Received::Head } else { Received::More }
        }
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => Received::More,
        Err(_) => Received::Closed,
    }
}

/// Takes every connection waiting to be accepted; past [`MAX_OPEN`], the one waiting longest
/// is dropped for each new one.
fn accept(listener: &TcpListener, waiting: &mut Vec<Waiting>) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if stream.set_nonblocking(true).is_err() {
                    continue;
                }
                if waiting.len() >= MAX_OPEN {
                    drop(waiting.remove(0));
                }
                waiting.push(Waiting { stream, head: Vec::new(), opened: Instant::now() });
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // Out of files (EMFILE): the one waiting longest makes room for the next.
            Err(e) if e.kind() != ErrorKind::WouldBlock && !waiting.is_empty() => drop(waiting.remove(0)),
            Err(_) => return,
        }
    }
}
