//! The byte stream under IMAP: plain TCP (to this machine only), STARTTLS, or implicit TLS
//! (port 993), with rustls.
//!
//! `imap` 3.0.0-alpha.15 builds its own TLS through `ClientBuilder`, which can neither add a
//! CA certificate (only the system store) nor set a timeout, and brings a second rustls.
//! So the stream is made here and handed to `imap::Client::new`, and `imap` is used without
//! any TLS feature: one rustls (with `ring`) for the whole program, the one lettre uses.
//! STARTTLS is the two lines before TLS (the greeting and `STARTTLS`), spoken here too.
//!
//! Trust: Mozilla's roots (webpki-roots) plus, when given, the office's own CA file (PEM).

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use super::{Account, CollectError};
use crate::mail::settings::{self, Protocol, Security, SettingsError};

/// How long to wait for the TCP connection, and for any one read or write after it.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
pub const IO_TIMEOUT: Duration = Duration::from_secs(120);

/// Plain TCP or TLS over TCP: what `imap::Client` reads and writes.
pub enum Transport {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.read(buf),
            Transport::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
        }
    }
}

/// Connects to the account's server and reads its greeting: an IMAP client ready to log in.
///
/// # Errors
/// [`SettingsError::PlainToRemote`] for `none` to another machine;
/// [`SettingsError::CaRead`] / [`SettingsError::CaInvalid`] for the CA file; [`CollectError::Connect`] when the server
/// cannot be reached, refuses STARTTLS, or its certificate is not trusted (rustls' reason,
/// such as `UnknownIssuer`, in the message).
pub fn connect(account: &Account) -> Result<imap::Client<Transport>, CollectError> {
    settings::refuse_plain_to_remote(Protocol::Imap, account.security, &account.host)?;
    let config = match account.security {
        Security::None => None,
        _ => Some(client_config(account.ca.as_deref())?),
    };
    let failed = |message: String| CollectError::Connect {
        host: account.host.clone(),
        port: account.port,
        security: account.security.name(),
        message,
    };
    let io = |e: io::Error| failed(describe(&e));
    let mut tcp = connect_tcp(&account.host, account.port).map_err(io)?;
    let (stream, greeted) = match (account.security, config) {
        (Security::Tls, Some(config)) => {
            (wrap_tls(tcp, config, &account.host).map_err(failed)?, false)
        }
        (Security::Starttls, Some(config)) => {
            line(&mut tcp).map_err(io)?; // the greeting
            tcp.write_all(b"a0 STARTTLS\r\n").map_err(io)?;
            loop {
                let l = line(&mut tcp).map_err(io)?;
                if let Some(answer) = l.strip_prefix("a0 ") {
                    if !answer.to_ascii_uppercase().starts_with("OK") {
                        return Err(failed(format!(
                            "服务器不接受 STARTTLS（{}）",
                            answer.trim()
                        )));
                    }
                    break;
                }
            }
            (wrap_tls(tcp, config, &account.host).map_err(failed)?, true)
        }
        _ => (Transport::Plain(tcp), false),
    };
    let mut client = imap::Client::new(stream);
    if greeted {
        // After STARTTLS the server sends no second greeting.
        client.greeting_read = true;
    } else {
        client
            .read_greeting()
            .map_err(|e| failed(super::mailbox::describe(&e)))?;
    }
    Ok(client)
}

/// A rustls client configuration trusting Mozilla's roots and the certificates in `ca_file`.
fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, CollectError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        for cert in settings::ca_certificates(path)? {
            roots.add(cert).map_err(|e| SettingsError::CaInvalid {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// TCP to `host:port`, each address in turn, with timeouts.
fn connect_tcp(host: &str, port: u16) -> io::Result<TcpStream> {
    let mut last = None;
    for addr in (host, port)
        .to_socket_addrs()
        .map_err(|e| unresolved(host, &e))?
    {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(IO_TIMEOUT))?;
                s.set_write_timeout(Some(IO_TIMEOUT))?;
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "找不到该主机的地址")))
}

/// A name that does not resolve, in Chinese (the resolver's text is English, e.g. "failed
/// to lookup address information: Name or service not known").
fn unresolved(host: &str, e: &io::Error) -> io::Error {
    let why = if e.to_string().contains("Temporary failure") {
        "域名解析暂时失败，请检查网络和 DNS 设置"
    } else {
        "找不到这个服务器名称，请检查拼写"
    };
    io::Error::new(io::ErrorKind::NotFound, format!("“{host}”{why}"))
}

/// One line from the server before TLS, read byte by byte so that nothing after it is
/// consumed (the TLS handshake follows), and at most 8 KB.
fn line(tcp: &mut TcpStream) -> io::Result<String> {
    let mut out = Vec::new();
    let mut b = [0u8; 1];
    while out.len() < 8192 {
        if tcp.read(&mut b)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "服务器关闭了连接",
            ));
        }
        out.push(b[0]);
        if b[0] == b'\n' {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Wraps `tcp` in TLS and completes the handshake now, so that a certificate problem shows
/// as such ("invalid peer certificate: UnknownIssuer"), not as a failed greeting. The
/// certificate must name `host` (a DNS name, or an IP address among its IP SANs).
fn wrap_tls(
    mut tcp: TcpStream,
    config: Arc<ClientConfig>,
    host: &str,
) -> Result<Transport, String> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| format!("“{host}”不是可用于 TLS 校验的主机名"))?;
    let mut conn = ClientConnection::new(config, name).map_err(|e| e.to_string())?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).map_err(|e| describe(&e))?;
    }
    Ok(Transport::Tls(Box::new(StreamOwned::new(conn, tcp))))
}

/// A network error in one line: rustls' own reason where there is one.
fn describe(e: &io::Error) -> String {
    if let Some(inner) = e.get_ref() {
        return inner.to_string();
    }
    match settings::network_reason(e) {
        Some(what) => what.to_string(),
        None => format!("{}（{e}）", crate::fsutil::describe_io(e)),
    }
}
