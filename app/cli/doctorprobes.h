#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QUrl>

#include "doctorchecks.h"
#include "imsa/result.h"

// What `imsa doctor` reads from the real system, in the shapes doctorchecks.h takes. Linux:
// /proc, and the loopback interface through getifaddrs (QNetworkInterface).
namespace imsa::cli {

/// Runs `program` directly (no shell), gives up after `timeoutMs`.
CommandOutput runCommand(const QString &program, const QStringList &arguments,
                         int timeoutMs = 5000);

/// The addresses on the loopback interface `lo`.
QList<QHostAddress> loopbackAddresses();

/// The listening sockets of <procRoot>/net/tcp and <procRoot>/net/tcp6.
QList<TcpListener> tcpListeners(const QString &procRoot = QStringLiteral("/proc"));

/// The process that holds the socket with this inode: the one whose <procRoot>/PID/fd has a
/// link to socket:[inode]. Best effort: only this user's processes can be seen (root sees all).
std::optional<SocketOwner> findSocketOwner(quint64 inode,
                                           const QString &procRoot = QStringLiteral("/proc"));

/// Whether the NoNewPrivs line of a /proc/PID/status text is 1.
bool hasNoNewPrivileges(const QByteArray &procStatus);

/// Reads the two AWS files; a missing or unreadable file is empty text.
AwsFiles readAwsFiles(const ConfigPaths &paths);

/// The time of an HTTP Date header (IMF-fixdate, RFC 9110 section 5.6.7), UTC.
std::optional<QDateTime> parseHttpDate(const QByteArray &value);

/// Sends one GET with the identity challenge to `endpoint` (an http:// URL, no proxy) and reads
/// the head of the answer, within `timeoutMs`. Fills everything but `verified`.
EndpointProbe challengeEndpoint(const QString &endpoint, const QByteArray &challenge,
                                int timeoutMs);

/// Sends HEAD to `url` and returns the Date of the answer, whatever its status; redirects are not
/// followed. Fails after `timeoutMs`. Runs a local event loop.
Result<QDateTime, Failure> fetchServerDate(const QUrl &url, int timeoutMs);

} // namespace imsa::cli
