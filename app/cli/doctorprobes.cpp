#include "doctorprobes.h"

#include <dirent.h>
#include <memory>
#include <unistd.h>

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpSocket>

#include "platform/endpointchallenge.h"

using namespace Qt::StringLiterals;

namespace imsa::cli {

namespace {

QByteArray readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // /proc files report size 0: read to the end, but never more than a config file needs.
    constexpr qint64 maxBytes = 4 * 1024 * 1024;
    return file.read(maxBytes);
}

bool isNumber(const char *name)
{
    if (*name == '\0')
        return false;
    for (const char *c = name; *c != '\0'; ++c) {
        if (*c < '0' || *c > '9')
            return false;
    }
    return true;
}

bool hasSocketLink(const QByteArray &fdDir, const QByteArray &target)
{
    const std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(fdDir.constData()), ::closedir);
    if (!dir)
        return false; // another user's process, or gone meanwhile
    QByteArray link(target.size() + 1, Qt::Uninitialized);
    while (const dirent *entry = ::readdir(dir.get())) {
        const QByteArray path = fdDir + '/' + entry->d_name;
        const ssize_t length = ::readlink(path.constData(), link.data(), size_t(link.size()));
        if (length == target.size() && QByteArrayView(link.constData(), length) == target)
            return true;
    }
    return false;
}

} // namespace

CommandOutput runCommand(const QString &program, const QStringList &arguments, int timeoutMs)
{
    CommandOutput output;
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForStarted(timeoutMs)) {
        output.error = process.errorString();
        return output;
    }
    output.started = true;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(timeoutMs);
        output.error = u"no answer within %1 ms"_s.arg(timeoutMs);
        return output;
    }
    if (process.exitStatus() == QProcess::CrashExit)
        output.error = u"it crashed"_s;
    else
        output.exitCode = process.exitCode();
    output.standardOutput = process.readAllStandardOutput();
    output.standardError = process.readAllStandardError();
    return output;
}

QList<QHostAddress> loopbackAddresses()
{
    QList<QHostAddress> addresses;
    for (const QNetworkAddressEntry &entry :
         QNetworkInterface::interfaceFromName(u"lo"_s).addressEntries())
        addresses.append(entry.ip());
    return addresses;
}

QList<TcpListener> tcpListeners(const QString &procRoot)
{
    return parseProcNetTcp(readSmallFile(procRoot + u"/net/tcp"_s), false)
            + parseProcNetTcp(readSmallFile(procRoot + u"/net/tcp6"_s), true);
}

std::optional<SocketOwner> findSocketOwner(quint64 inode, const QString &procRoot)
{
    const QByteArray root = QFile::encodeName(procRoot);
    const QByteArray target = "socket:[" + QByteArray::number(inode) + ']';
    const std::unique_ptr<DIR, int (*)(DIR *)> proc(::opendir(root.constData()), ::closedir);
    if (!proc)
        return std::nullopt;
    while (const dirent *entry = ::readdir(proc.get())) {
        if (!isNumber(entry->d_name))
            continue;
        const QByteArray processDir = root + '/' + entry->d_name;
        if (!hasSocketLink(processDir + "/fd", target))
            continue;
        const QString name =
                QString::fromUtf8(readSmallFile(QFile::decodeName(processDir + "/comm")).trimmed());
        return SocketOwner{QByteArray(entry->d_name).toLongLong(), name};
    }
    return std::nullopt;
}

bool hasNoNewPrivileges(const QByteArray &procStatus)
{
    for (const QByteArray &line : procStatus.split('\n')) {
        if (line.startsWith("NoNewPrivs:"))
            return line.mid(11).trimmed() == "1";
    }
    return false;
}

AwsFiles readAwsFiles(const ConfigPaths &paths)
{
    return AwsFiles{paths.awsConfigFile, readSmallFile(paths.awsConfigFile),
                    paths.awsCredentialsFile, readSmallFile(paths.awsCredentialsFile)};
}

std::optional<QDateTime> parseHttpDate(const QByteArray &value)
{
    // "Sun, 06 Nov 1994 08:49:37 GMT": English names whatever the locale; date and time are
    // parsed apart so that no local-time conversion (a DST gap) can shift them.
    const QString text = QString::fromLatin1(value).trimmed();
    if (text.size() != 29 || !text.endsWith(u" GMT"_s))
        return std::nullopt;
    const QDate date = QLocale::c().toDate(text.left(16), u"ddd, dd MMM yyyy"_s);
    const QTime time = QTime::fromString(text.mid(17, 8), u"HH:mm:ss"_s);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    return QDateTime(date, time, Qt::UTC);
}

EndpointProbe challengeEndpoint(const QString &endpoint, const QByteArray &challenge, int timeoutMs)
{
    EndpointProbe probe;
    QUrl url(endpoint);
    if (!url.isValid() || url.scheme() != u"http"_s || url.host().isEmpty()) {
        probe.error = u"not an http:// URL"_s;
        return probe;
    }
    url.setUserInfo({});
    const QDeadlineTimer deadline(timeoutMs);
    QTcpSocket socket;
    // What AWS tools reach, not what a proxy would answer.
    socket.setProxy(QNetworkProxy::NoProxy);
    socket.connectToHost(url.host(), static_cast<quint16>(url.port(80)));
    if (!socket.waitForConnected(static_cast<int>(deadline.remainingTime()))) {
        probe.error = socket.errorString();
        return probe;
    }
    probe.address = socket.peerAddress();
    probe.port = socket.peerPort();
    socket.write("GET /latest/meta-data/ HTTP/1.1\r\nHost: " + url.authority().toLatin1() + "\r\n"
                 + app::identityChallengeHeader.toByteArray() + ": " + challenge
                 + "\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    while (!answer.contains("\r\n\r\n") && answer.size() < 64 * 1024) {
        if (socket.bytesAvailable() == 0
            && !socket.waitForReadyRead(static_cast<int>(deadline.remainingTime())))
            break;
        answer += socket.readAll();
    }
    const qsizetype headEnd = answer.indexOf("\r\n\r\n");
    if (!answer.startsWith("HTTP/") || headEnd < 0) {
        probe.error = u"no HTTP answer within %1 ms"_s.arg(timeoutMs);
        return probe;
    }
    for (const QByteArray &line : answer.left(headEnd).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == app::identityProofHeader)
            probe.proof = line.mid(colon + 1).trimmed();
    }
    return probe;
}

Result<QDateTime, Failure> fetchServerDate(const QUrl &url, int timeoutMs)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    // The answer of the host asked is wanted, not that of wherever it redirects to.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.head(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    if (reply->hasRawHeader("Date")) {
        if (const std::optional<QDateTime> date = parseHttpDate(reply->rawHeader("Date")))
            return *date;
        return Failure{u"its Date header is not an HTTP date"_s};
    }
    if (reply->error() != QNetworkReply::NoError)
        return Failure{reply->errorString()};
    return Failure{u"its answer has no Date header"_s};
}

} // namespace imsa::cli
