#include "doctorchecks.h"

#include <cstring>

#include <QFileInfo>
#include <QtEndian>

#include "platform/listenaddress.h"

using namespace Qt::StringLiterals;

// The checks about imsa itself and the machine: profiles, the running app, the helper, the
// address on lo, port 80, the keychain and the clock. The checks of the user's environment are
// in doctorenvironment.cpp.
namespace imsa::cli {

namespace {

const QHostAddress metadataAddress{QString(app::instanceMetadataAddress)};

QString statusLabel(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok:
        return u"ok"_s;
    case CheckStatus::Warn:
        return u"warn"_s;
    case CheckStatus::Fail:
        return u"FAIL"_s;
    case CheckStatus::Skip:
        return u"skip"_s;
    }
    return {};
}

/// /proc/net prints each 32-bit word of an address as the host-order integer of its bytes.
QByteArray addressBytes(QByteArrayView hex)
{
    QByteArray bytes;
    for (qsizetype i = 0; i + 8 <= hex.size(); i += 8) {
        bool ok = false;
        const quint32 word = hex.sliced(i, 8).toUInt(&ok, 16);
        if (!ok)
            return {};
        bytes.append(reinterpret_cast<const char *>(&word), sizeof word);
    }
    return bytes;
}

std::optional<QHostAddress> procNetAddress(QByteArrayView hex, bool ipv6)
{
    const QByteArray bytes = addressBytes(hex);
    if (!ipv6 && bytes.size() == 4)
        return QHostAddress(qFromBigEndian<quint32>(bytes.constData()));
    if (ipv6 && bytes.size() == 16) {
        Q_IPV6ADDR address;
        std::memcpy(address.c, bytes.constData(), sizeof address.c);
        return QHostAddress(address);
    }
    return std::nullopt;
}

bool coversMetadataAddress(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also unmaps ::ffff:a.b.c.d
    if (isV4)
        return v4 == metadataAddress.toIPv4Address() || v4 == 0;
    // [::]:80 takes IPv4 connections too unless IPV6_V6ONLY (net.ipv6.bindv6only is 0).
    return address == QHostAddress(QHostAddress::AnyIPv6);
}

/// "750" for rwxr-x---. Qt keeps owner, user, group and other in separate nibbles.
QString unixMode(QFile::Permissions permissions)
{
    const auto bits = uint(permissions.toInt());
    return QString::number(((bits >> 12) & 7) * 64 + ((bits >> 4) & 7) * 8 + (bits & 7), 8);
}

/// "169.254.169.254:80", "[::]:80".
QString hostAndPort(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
            ? u'[' + address.toString() + u']'
            : address.toString();
    return host + u':' + QString::number(port);
}

bool servesMetadataAddress(const std::optional<RunningImsa> &running)
{
    return running && QUrl(running->endpoint).host() == app::instanceMetadataAddress;
}

} // namespace

QString formatCheck(const CheckResult &result)
{
    QString line =
            statusLabel(result.status).leftJustified(6) + result.name + u": "_s + result.found;
    if (!result.fix.isEmpty())
        line += u" Fix: "_s + result.fix;
    // One line per check, whatever the texts it quotes contain.
    return line.replace(u'\n', u"; "_s);
}

QList<TcpListener> parseProcNetTcp(const QByteArray &text, bool ipv6)
{
    constexpr QByteArrayView listenState = "0A";
    QList<TcpListener> listeners;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype n = 1; n < lines.size(); ++n) { // line 0 is the header
        const QList<QByteArray> fields = lines[n].simplified().split(' ');
        if (fields.size() < 10 || fields[3] != listenState)
            continue;
        const QByteArray &local = fields[1];
        const qsizetype colon = local.indexOf(':');
        bool portOk = false;
        bool uidOk = false;
        bool inodeOk = false;
        TcpListener listener;
        listener.port = local.mid(colon + 1).toUShort(&portOk, 16);
        listener.uid = fields[7].toUInt(&uidOk);
        listener.inode = fields[9].toULongLong(&inodeOk);
        const std::optional<QHostAddress> address = procNetAddress(local.left(colon), ipv6);
        if (colon < 0 || !portOk || !uidOk || !inodeOk || !address)
            continue;
        listener.address = *address;
        listeners.append(listener);
    }
    return listeners;
}

CheckResult checkProfiles(const ProfileSet &set, const ConfigPaths &paths)
{
    CheckResult result{CheckStatus::Ok, u"profiles"_s, {}, {}};
    const QList<SsoSettings> signIns = set.ssoSignIns();
    if (set.profiles.isEmpty() && set.errors.isEmpty() && !signIns.isEmpty()) {
        QStringList names;
        for (const SsoSettings &signIn : signIns)
            names.append(signIn.tokenCacheKey());
        result.found = u"none written; IAM Identity Center sign-ins: %1 (their accounts and roles "
                       u"are profiles once signed in)"_s.arg(names.join(u", "_s));
        return result;
    }
    if (set.profiles.isEmpty()) {
        result.status = CheckStatus::Fail;
        if (set.errors.isEmpty()) {
            result.found = u"no profile in %1 or %2"_s.arg(paths.imsaFile, paths.awsConfigFile);
            result.fix = u"write one; the example below shows how"_s;
        } else {
            result.found = u"no usable profile; %1"_s.arg(set.errors.first().toString());
            result.fix = u"correct the file at that place"_s;
        }
        return result;
    }
    QStringList names;
    for (const Profile &profile : set.profiles)
        names.append(profile.name);
    result.found = u"%1 usable (%2)"_s.arg(set.profiles.size()).arg(names.join(u", "_s));
    if (!set.errors.isEmpty()) {
        result.status = CheckStatus::Warn;
        result.found += u"; %1 with errors, the first: %2"_s.arg(set.errors.size())
                                .arg(set.errors.first().toString());
        result.fix = u"correct the file; `imsa profiles` lists every error"_s;
    }
    return result;
}

CheckResult checkRunning(const std::optional<RunningImsa> &running)
{
    CheckResult result{CheckStatus::Ok, u"imsa"_s, {}, {}};
    if (!running) {
        result.status = CheckStatus::Warn;
        result.found = u"not running"_s;
        result.fix = u"imsa start (or: systemctl --user enable --now imsa)"_s;
        return result;
    }
    result.found = u"running (pid %1), serving on %2"_s.arg(running->pid).arg(running->endpoint);
    if (!running->warnings.isEmpty()) {
        result.status = CheckStatus::Warn;
        // All of them: the one that matters (e.g. a squatted fallback port) may not be first.
        result.found += u"; it warns: "_s + running->warnings.join(u"; "_s);
        result.fix = u"follow the warning; `imsa status` shows it in full"_s;
    }
    return result;
}

CheckResult checkHelper(const QString &helperPath, const CommandRunner &run, bool noNewPrivileges)
{
    CheckResult result{CheckStatus::Fail, u"helper"_s, {}, {}};
    const QString setcap = u"sudo setcap cap_net_bind_service,cap_net_admin+ep "_s + helperPath;
    const QFileInfo file(helperPath);
    if (!file.exists()) {
        result.found = u"%1 does not exist"_s.arg(helperPath);
        result.fix = u"install the imsa package, or point IMSA_HELPER at a built imsa-helper"_s;
        return result;
    }
    if (!file.isExecutable()) {
        result.found = u"you may not run %1 (group %2, mode %3)"_s.arg(helperPath, file.group())
                               .arg(unixMode(file.permissions()));
        result.fix = u"sudo adduser $USER %1, then log out and back in"_s.arg(file.group());
        return result;
    }
    const CommandOutput output = run(helperPath, {u"--check"_s});
    if (!output.started) {
        result.found = u"cannot run %1: %2"_s.arg(helperPath, output.error);
        result.fix = u"sudo adduser $USER imsa, then log out and back in"_s;
        return result;
    }
    const QString said = QString::fromUtf8(output.standardOutput).simplified();
    switch (output.exitCode) {
    case 0:
        result.status = CheckStatus::Ok;
        result.found = u"%1 has cap_net_bind_service and cap_net_admin"_s.arg(helperPath);
        return result;
    case 1:
        result.found = u"%1 lacks capabilities (%2)"_s.arg(helperPath, said);
        result.fix = noNewPrivileges
                ? u"this shell runs with no_new_privs (a sandbox or NoNewPrivileges=yes), which "
                  "voids file capabilities; run imsa outside it"_s
                : setcap;
        return result;
    case 2:
        result.found = u"%1 refuses to run: %2"_s.arg(
                helperPath, QString::fromUtf8(output.standardError).section(u'\n', 0, 0));
        result.fix = u"reinstall it without setuid/setgid, with file capabilities: "_s + setcap;
        return result;
    default:
        result.found = u"%1 --check failed (exit %2) %3"_s.arg(helperPath)
                               .arg(output.exitCode)
                               .arg(output.error);
        result.fix = u"reinstall the imsa package"_s;
        return result;
    }
}

CheckResult checkMetadataAddress(const QList<QHostAddress> &loopbackAddresses,
                                 const std::optional<RunningImsa> &running)
{
    CheckResult result{CheckStatus::Ok, u"address"_s, {}, {}};
    if (loopbackAddresses.contains(metadataAddress)) {
        result.found = u"169.254.169.254 is on lo"_s;
        return result;
    }
    result.found = u"169.254.169.254 is not on lo"_s;
    if (servesMetadataAddress(running)) {
        result.status = CheckStatus::Fail;
        result.found += u", although imsa serves there (removed by hand or by the network "
                        "manager?)"_s;
        result.fix = u"imsa stop && imsa start (imsa-helper adds it again)"_s;
    } else {
        result.status = CheckStatus::Warn;
        result.fix = u"imsa-helper adds it when imsa starts; by hand: "
                     "sudo ip addr add 169.254.169.254/32 dev lo"_s;
    }
    return result;
}

CheckResult checkPortOwner(const QList<TcpListener> &listeners, const SocketOwnerLookup &ownerOf,
                           const std::optional<RunningImsa> &running, uint ownUid)
{
    CheckResult result{CheckStatus::Ok, u"port 80"_s, {}, {}};
    const auto listener =
            std::find_if(listeners.cbegin(), listeners.cend(), [](const TcpListener &candidate) {
                return candidate.port == app::instanceMetadataPort
                        && coversMetadataAddress(candidate.address);
            });
    if (listener == listeners.cend()) {
        result.found = u"nothing listens on 169.254.169.254:80"_s;
        if (!running) {
            result.status = CheckStatus::Warn;
            result.found += u" (imsa is not running)"_s;
            result.fix = u"imsa start"_s;
        } else {
            result.status = CheckStatus::Fail;
            result.found += u"; imsa serves on %1 instead"_s.arg(running->endpoint);
            result.fix = u"make the helper work (see the helper line), then: imsa stop && "
                         "imsa start"_s;
        }
        return result;
    }

    const QString where = hostAndPort(listener->address, listener->port);
    const std::optional<SocketOwner> owner = ownerOf(listener->inode);
    if (owner && running && owner->pid == running->pid) {
        result.found = u"imsa (pid %1) listens on %2"_s.arg(owner->pid).arg(where);
        return result;
    }
    // The app is not dumpable, so its /proc/PID/fd is closed to the user's other processes: a
    // socket of this user's there while imsa says it serves there is imsa's.
    if (!owner && listener->uid == ownUid && servesMetadataAddress(running)) {
        result.found = u"imsa (pid %1) listens on %2"_s.arg(running->pid).arg(where);
        return result;
    }
    result.status = CheckStatus::Fail;
    if (owner) {
        result.found = u"%1 (pid %2) holds %3"_s.arg(owner->name).arg(owner->pid).arg(where);
        // The app runs as imsa-service or imsa-tray; an older version ran as imsa.
        result.fix = owner->name.startsWith(u"imsa"_s)
                ? u"an imsa that does not answer holds the port: kill %1, then imsa start"_s.arg(
                        owner->pid)
                : u"stop it, or make it listen on another address than %1"_s.arg(where);
    } else if (listener->uid != ownUid) {
        result.found = u"a process of uid %1 holds %2"_s.arg(listener->uid).arg(where);
        result.fix = u"only one user at a time can serve on 169.254.169.254:80: stop theirs, or "
                     "use imsa start --listen 127.0.0.1:9254 with "
                     "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9254/"_s;
    } else {
        result.found = u"a process of yours that imsa cannot identify holds %1"_s.arg(where);
        result.fix = u"find it with: ss -ltnp 'sport = :80'"_s;
    }
    return result;
}

CheckResult checkEndpointIdentity(const QString &endpoint,
                                  const std::optional<EndpointProbe> &asked,
                                  const std::optional<RunningImsa> &running)
{
    CheckResult result{CheckStatus::Ok, u"endpoint"_s, {}, {}};
    const QString &where = endpoint;
    if (!asked) {
        result.status = CheckStatus::Skip;
        result.found = u"who answers at %1 not checked (--offline, and it is not on this "
                       "machine)"_s.arg(where);
        return result;
    }
    const EndpointProbe &probe = *asked;
    if (probe.error) {
        result.found = u"nothing answers at %1 (%2)"_s.arg(where, *probe.error);
        if (running) {
            result.status = CheckStatus::Fail;
            result.found += u"; AWS tools find no credentials there, imsa serves on %1"_s.arg(
                    running->endpoint);
            result.fix = servesMetadataAddress(running)
                    ? u"unset AWS_EC2_METADATA_SERVICE_ENDPOINT"_s
                    : u"in a shell, use imsa's own endpoint: eval \"$(imsa env PROFILE)\""_s;
        } else {
            result.status = CheckStatus::Warn;
            result.fix = u"imsa start"_s;
        }
        return result;
    }
    if (probe.verified == true) {
        result.found = u"what answers at %1 is this imsa (pid %2; it proved it with its "
                       "per-start key)"_s.arg(where)
                               .arg(running ? running->pid : 0);
        return result;
    }
    const QString answered = hostAndPort(probe.address, probe.port);
    if (!running) {
        result.status = CheckStatus::Warn;
        result.found = u"%1 answers at %2, but imsa is not running: AWS tools get credentials "
                       "from another program (on a cloud VM: the real metadata service)"_s.arg(
                               answered, where);
        result.fix = u"imsa start"_s;
        return result;
    }
    if (!probe.verified && !probe.proof.isEmpty()) {
        result.status = CheckStatus::Warn;
        result.found = u"%1 answers at %2; imsa could not be asked whether it is itself"_s.arg(
                answered, where);
        result.fix = u"run imsa doctor again; imsa status shows whether imsa answers"_s;
        return result;
    }
    result.status = CheckStatus::Fail;
    result.found = u"%1 answers at %2, but it is not this imsa (%3): AWS tools get credentials "
                   "from another program"_s.arg(answered, where,
                                                probe.proof.isEmpty() ? u"it cannot prove it"_s
                                                                      : u"its proof is wrong"_s);
    result.fix = u"find it with: ss -ltnp 'sport = :%1'; "_s.arg(probe.port)
            + (servesMetadataAddress(running)
                       ? u"unset AWS_EC2_METADATA_SERVICE_ENDPOINT (imsa serves on "
                         "169.254.169.254)"_s
                       : u"in a shell, use imsa's own endpoint: eval \"$(imsa env PROFILE)\""_s);
    return result;
}

CheckResult checkKeychain(const std::optional<KeychainProbe> &probe, const QProcessEnvironment &env,
                          const QString &fileStorePath)
{
    CheckResult result{CheckStatus::Ok, u"keychain"_s, {}, {}};
    if (env.value(u"IMSA_KEYSTORE"_s) == u"file"_s) {
        result.status = CheckStatus::Warn;
        result.found =
                u"IMSA_KEYSTORE=file: secrets are kept in %1 (mode 0600, not encrypted)"_s.arg(
                        fileStorePath);
        result.fix = u"unset IMSA_KEYSTORE where a Secret Service runs"_s;
        return result;
    }
    if (!probe) {
        result.status = CheckStatus::Skip;
        result.found = u"not checked"_s;
        return result;
    }
    if (probe->available) {
        result.found = u"the Secret Service answers"_s;
        return result;
    }
    result.status = CheckStatus::Warn;
    result.found = u"no Secret Service (%1); imsa keeps secrets in %2 (not encrypted)"_s.arg(
            probe->why, fileStorePath);
    result.fix = u"run imsa in a desktop session with GNOME Keyring, KeePassXC or KWallet; on a "
                 "server set IMSA_KEYSTORE=file"_s;
    return result;
}

CheckResult checkClock(const std::optional<Result<QDateTime, Failure>> &serverDate,
                       const QDateTime &localNow, const QUrl &endpoint)
{
    CheckResult result{CheckStatus::Ok, u"clock"_s, {}, {}};
    const QString host = endpoint.host();
    if (!serverDate) {
        result.status = CheckStatus::Skip;
        result.found = u"offset to %1 not checked (--offline)"_s.arg(host);
        return result;
    }
    if (!serverDate->ok()) {
        result.status = CheckStatus::Warn;
        result.found = u"cannot ask %1 for the time: %2"_s.arg(host, serverDate->error().message);
        result.fix = u"check the network and proxy settings; STS needs this clock within 5 "
                     "minutes of its own"_s;
        return result;
    }
    const qint64 offset = localNow.secsTo(serverDate->value());
    const QString direction = offset > 0 ? u"behind"_s : u"ahead of"_s;
    result.found = offset == 0
            ? u"this clock agrees with %1"_s.arg(host)
            : u"this clock is %1 s %2 %3"_s.arg(qAbs(offset)).arg(direction, host);
    if (qAbs(offset) > maxClockSkewSeconds) {
        result.status = CheckStatus::Fail;
        result.found += u"; STS refuses requests signed more than 5 minutes off"_s;
        result.fix = u"turn on time synchronisation: sudo timedatectl set-ntp true"_s;
    } else if (qAbs(offset) > clockWarnSeconds) {
        result.status = CheckStatus::Warn;
        result.fix = u"turn on time synchronisation: sudo timedatectl set-ntp true"_s;
    }
    return result;
}

} // namespace imsa::cli
