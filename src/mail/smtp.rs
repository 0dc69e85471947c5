//! The connection to the office's mail server: lettre's SMTP client over rustls (no
//! OpenSSL to install on office machines).
//!
//! The settings (protection, password, CA file) are [`super::settings`]'s, shared with the
//! mailbox duban reads. lettre's errors are English and repeat themselves ("Connection
//! refused (os error 111)" twice): [`describe`] tells them in Chinese and keeps the
//! library's words as a detail.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use lettre::transport::smtp::Error;
use lettre::Message;

use super::settings::{self, Protocol, Security, SettingsError};
use super::MailError;

/// Why no connection could be set up.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("CA 证书文件 {} 不能用于发信：{message}", path.display())]
    CaUnusable { path: PathBuf, message: String },
    #[error("TLS 设置有误：{0}")]
    Tls(String),
}

/// The server refused a message, or the connection broke: in Chinese, then the server's
/// or the library's own words.
#[derive(Debug, thiserror::Error)]
#[error("{reason}（{detail}）")]
pub struct SendFailure {
    pub reason: String,
    pub detail: String,
    /// The connection broke after the message went and before the server answered: it
    /// may have been delivered.
    pub uncertain: bool,
}

/// Everything needed to connect and send.
#[derive(Clone, Debug)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub from: Mailbox,
    /// A PEM file with the office's CA certificate(s), added to the built-in roots.
    pub ca: Option<PathBuf>,
    /// Messages per minute; 0 for no limit.
    pub rate: u32,
}

impl Settings {
    /// The sending settings `s` gives, with the defaults: STARTTLS on its port, 20 a
    /// minute. A plain connection to another machine is refused here, before anything
    /// is collected or written.
    ///
    /// # Errors
    /// [`MailError::NoSmtpHost`]; [`SettingsError::PlainToRemote`].
    pub fn resolve(s: &settings::Settings, from: Mailbox) -> Result<Settings, MailError> {
        let security = s.smtp_security.unwrap_or(Protocol::Smtp.default_security());
        let host = s.smtp_host.clone().ok_or(MailError::NoSmtpHost)?;
        settings::refuse_plain_to_remote(Protocol::Smtp, security, &host)
            .map_err(SmtpError::from)?;
        Ok(Settings {
            port: s.smtp_port.unwrap_or(security.default_port(Protocol::Smtp)),
            host,
            security,
            user: s.smtp_user.clone(),
            from,
            ca: s.smtp_ca.clone(),
            rate: s.rate.unwrap_or(20),
        })
    }

    /// The password, when the server wants a login.
    ///
    /// # Errors
    /// As [`settings::password`].
    pub fn password(&self) -> Result<Option<String>, SmtpError> {
        match &self.user {
            Some(u) => Ok(Some(settings::password(Protocol::Smtp, u)?)),
            None => Ok(None),
        }
    }
}

/// How to reach the server, ready to connect: what lettre's `SmtpTransport` holds, kept
/// here because its `send` cannot say where a message's sending broke off (see
/// [`Link::send`]).
pub struct Link {
    host: String,
    port: u16,
    /// TLS parameters, and whether TLS wraps the connection from the start (else STARTTLS).
    tls: Option<(TlsParameters, bool)>,
    credentials: Option<Credentials>,
}

/// A ready link. Refuses `none` to anything but loopback.
pub fn link(s: &Settings, password: Option<String>) -> Result<Link, SmtpError> {
    settings::refuse_plain_to_remote(Protocol::Smtp, s.security, &s.host)?;
    let tls = match s.security {
        Security::None => None,
        sec => {
            let mut b = TlsParameters::builder(s.host.clone());
            if let Some(ca) = &s.ca {
                for cert in settings::ca_certificates(ca)? {
                    let c = Certificate::from_der(cert.to_vec()).map_err(|e| {
                        SmtpError::CaUnusable {
                            path: ca.clone(),
                            message: e.to_string(),
                        }
                    })?;
                    b = b.add_root_certificate(c);
                }
            }
            let params = b
                .build_rustls()
                .map_err(|e| SmtpError::Tls(e.to_string()))?;
            Some((params, sec == Security::Tls))
        }
    };
    let credentials = match &s.user {
        Some(user) => {
            let pw = password.ok_or_else(|| SettingsError::NoPassword {
                protocol: Protocol::Smtp,
                user: user.clone(),
            })?;
            Some(Credentials::new(user.clone(), pw))
        }
        None => None,
    };
    Ok(Link {
        host: s.host.clone(),
        port: s.port,
        tls,
        credentials,
    })
}

impl Link {
    /// Connects, secures and logs in, as lettre's transport does.
    fn connect(&self) -> Result<SmtpConnection, Error> {
        let wrapper = self.tls.as_ref().filter(|(_, w)| *w).map(|(p, _)| p);
        let hello = ClientId::default();
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(TIMEOUT),
            &hello,
            wrapper,
            None,
        )?;
        if let Some((params, false)) = &self.tls {
            conn.starttls(params, &hello)?;
        }
        if let Some(c) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, c)?;
        }
        Ok(conn)
    }

    /// Connects, secures, logs in and says goodbye: what would fail every message alike.
    pub fn test(&self) -> Result<(), Error> {
        let mut conn = self.connect()?;
        let _ = conn.quit();
        Ok(())
    }

    /// Sends one message over a connection of its own.
    ///
    /// Until the message's last line has gone, a failure means it was not delivered. After
    /// it, only the server's reply says whether it was: when the connection breaks (or
    /// times out) before that reply, the server may hold the message, and the failure is
    /// [`SendFailure::uncertain`]. A failure while the message itself is being written is
    /// counted as uncertain too: its last line may have reached the server.
    pub fn send(&self, m: &Message) -> Result<(), SendFailure> {
        let failure = |e: &Error, uncertain: bool| {
            let (reason, detail) = describe(e);
            let reason = if uncertain {
                format!("结果不明：邮件已发出，服务器答复前{reason}，对方可能已收到")
            } else {
                reason
            };
            SendFailure {
                reason,
                detail,
                uncertain,
            }
        };
        let mut conn = self.connect().map_err(|e| failure(&e, false))?;
        let envelope = m.envelope();
        let email = super::fold::wire(m);
        let mut options = Vec::new();
        if !email.is_ascii() {
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        if !envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .all(|a| a.to_string().is_ascii())
        {
            options.push(MailParameter::SmtpUtfEight);
        }
        let before = (|| {
            conn.command(Mail::new(envelope.from().cloned(), options))?;
            for to in envelope.to() {
                conn.command(Rcpt::new(to.clone(), vec![]))?;
            }
            conn.command(Data)
        })();
        if let Err(e) = before {
            conn.abort();
            return Err(failure(&e, false));
        }
        match conn.message(&email) {
            Ok(_) => {
                let _ = conn.quit();
                Ok(())
            }
            Err(e) => {
                // A reply with a code is the server's answer: refused, not uncertain.
                let uncertain = e.status().is_none();
                conn.abort();
                Err(failure(&e, uncertain))
            }
        }
    }
}

/// How long to wait for the server at each step.
const TIMEOUT: Duration = Duration::from_secs(60);

/// An SMTP error in Chinese, and the library's (or the server's) words, each said once,
/// for a detail line.
pub fn describe(e: &Error) -> (String, String) {
    let mut detail: Vec<String> = Vec::new();
    let mut reason = None;
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        let text = inner.to_string().replace('\n', " ");
        if !detail.iter().any(|d| d.contains(&text)) {
            detail.push(text);
        }
        if reason.is_none() {
            if let Some(io) = inner.downcast_ref::<std::io::Error>() {
                reason = settings::network_reason(io).map(String::from);
            }
        }
        src = inner.source();
    }
    let reason = match (e.status(), reason) {
        (Some(code), _) => {
            let code = code.to_string();
            if ["530", "534", "535", "538"].contains(&code.as_str()) {
                format!("登录被拒绝（{code}），请检查用户名和密码")
            } else if e.is_transient() {
                format!("服务器暂时拒收（{code}），稍后重新运行即可重发")
            } else {
                format!("服务器拒收（{code}）")
            }
        }
        (None, Some(r)) => r,
        (None, None) if e.is_tls() => "TLS 握手失败".into(),
        (None, None) if e.is_timeout() => "连接超时".into(),
        (None, None) => "与服务器通信出错".into(),
    };
    let detail = if detail.is_empty() {
        e.to_string()
    } else {
        detail.join(": ")
    };
    (reason, detail.replace('\n', " "))
}
