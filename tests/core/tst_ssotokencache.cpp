#include <sys/stat.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "imsa/ssotokencache.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_SsoTokenCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fileName_data();
    void fileName();
    void cacheDirectory();
    void parseTimes_data();
    void parseTimes();
    void parseLegacyToken();
    void badFiles_data();
    void badFiles();
    void serializeUsesBotocoreNames();
    void roundTrip();
    void missingAndEmptyFiles();
    void permissions_data();
    void permissions();
    void unknownMembersAreKept();
    void remove();
    void botocoreReadsOurFile();
    void weReadBotocoresFile();
};

namespace {

const QString accessToken = u"aoaAAAAAGSecretAccessToken0123456789"_s;
const QString refreshToken = u"aorAAAAAGSecretRefreshToken9876543210"_s;
const QString clientSecret = u"eyJraWQiOiJrZXktMTU2Njk2ODA4OCIsImFsZyI6IkhTMzg0In0SECRET"_s;

SsoCachedToken sessionToken()
{
    SsoCachedToken token;
    token.startUrl = u"https://my-sso-portal.awsapps.com/start"_s;
    token.region = u"eu-west-1"_s;
    token.accessToken = accessToken;
    token.expiresAt = QDateTime(QDate(2026, 12, 2), QTime(18, 0), Qt::UTC);
    token.refreshToken = refreshToken;
    token.registration = {u"client-id-123"_s, clientSecret,
                          QDateTime(QDate(2027, 3, 2), QTime(17, 59, 59), Qt::UTC)};
    return token;
}

QString permissionsOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return u"missing"_s;
    return QString::number(info.st_mode & 07777, 8);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

struct Python
{
    QString output, errors;
    int exitCode = -1;
};

/// Why botocore cannot run here, or nullopt when it can.
std::optional<QString> botocoreMissing()
{
    QProcess probe;
    probe.start(u"python3"_s, {u"-c"_s, u"import botocore.utils, botocore.tokens"_s});
    if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit
        || probe.exitCode() != 0)
        return u"python3 with botocore is needed (Debian: python3-botocore)"_s;
    return std::nullopt;
}

Python runPython(const QString &script, const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment environment;
    environment.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
    environment.insert(u"LANG"_s, u"C.UTF-8"_s);
    process.setProcessEnvironment(environment);
    process.start(u"python3"_s, QStringList{u"-c"_s, script} + arguments);
    Python result;
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        result.errors = u"python3 did not finish in time"_s;
        return result;
    }
    result.output = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    result.errors = QString::fromUtf8(process.readAllStandardError());
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

} // namespace

void tst_SsoTokenCache::fileName_data()
{
    // Expected values from python3: hashlib.sha1(key.encode('utf-8')).hexdigest().
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("fileName");
    QTest::addRow("an sso-session name")
            << u"my-sso"_s << u"0ad374308c5a4e22f723adf10145eafad7c4031c.json"_s;
    QTest::addRow("a legacy profile's start URL")
            << u"https://my-sso-portal.awsapps.com/start"_s
            << u"c7aaaf71fcc8777ae2475525ed049d39fe16c484.json"_s;
    QTest::addRow("a session name outside ASCII is hashed as UTF-8")
            << u"Ünïcode session"_s << u"b2a6d66946bb1392c5198803aefbbac11a225caf.json"_s;
}

void tst_SsoTokenCache::fileName()
{
    QFETCH(QString, key);
    QFETCH(QString, fileName);
    QCOMPARE(ssoTokenCacheFileName(key), fileName);
}

void tst_SsoTokenCache::cacheDirectory()
{
    QProcessEnvironment env;
    env.insert(u"HOME"_s, u"/home/alice"_s);
    QCOMPARE(ssoTokenCacheDirectory(env), u"/home/alice/.aws/sso/cache"_s);
}

void tst_SsoTokenCache::parseTimes_data()
{
    QTest::addColumn<QString>("expiresAt");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime six(QDate(2026, 12, 2), QTime(18, 0), Qt::UTC);
    QTest::addRow("the AWS CLI's form") << u"2026-12-02T18:00:00Z"_s << six;
    QTest::addRow("older AWS CLI versions' UTC suffix") << u"2026-12-02T18:00:00UTC"_s << six;
    QTest::addRow("a numeric zero offset") << u"2026-12-02T18:00:00+00:00"_s << six;
    QTest::addRow("fractions of a second") << u"2026-12-02T18:00:00.123456Z"_s << six.addMSecs(123);
    QTest::addRow("JavaScript's toISOString") << u"2026-12-02T18:00:00.500Z"_s << six.addMSecs(500);
    QTest::addRow("another offset is converted to UTC") << u"2026-12-02T20:00:00+02:00"_s << six;
    QTest::addRow("a negative offset without colon") << u"2026-12-02T13:00:00-0500"_s << six;
    QTest::addRow("a space instead of T") << u"2026-12-02 18:00:00Z"_s << six;
}

void tst_SsoTokenCache::parseTimes()
{
    QFETCH(QString, expiresAt);
    QFETCH(QDateTime, expected);
    const QByteArray json =
            QJsonDocument(QJsonObject{{u"accessToken"_s, accessToken}, {u"expiresAt"_s, expiresAt}})
                    .toJson();
    const auto token = parseSsoCachedToken(json, u"/c/x.json"_s);
    QVERIFY2(token.ok(), qPrintable(token.ok() ? QString() : token.error().message));
    QCOMPARE(token->expiresAt, expected);
    QCOMPARE(token->expiresAt.timeSpec(), Qt::UTC);
}

void tst_SsoTokenCache::parseLegacyToken()
{
    // What `aws sso login` writes for a profile with sso_start_url and no sso_session.
    const QByteArray json = R"({"startUrl": "https://my-sso-portal.awsapps.com/start",
        "region": "us-east-1", "accessToken": "legacy-token",
        "expiresAt": "2026-12-02T18:00:00Z"})";
    const auto token = parseSsoCachedToken(json, u"/c/x.json"_s);
    QVERIFY(token.ok());
    QCOMPARE(token->startUrl, u"https://my-sso-portal.awsapps.com/start"_s);
    QCOMPARE(token->region, u"us-east-1"_s);
    QCOMPARE(token->accessToken, u"legacy-token"_s);
    QVERIFY(token->refreshToken.isEmpty());
    QVERIFY(token->registration.clientId.isEmpty());
}

void tst_SsoTokenCache::badFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    const QByteArray token = accessToken.toUtf8();
    QTest::addRow("not JSON") << QByteArray("{\"accessToken\": \"" + token + "\"")
                              << u"/c/x.json: not a JSON object (unterminated string at byte "
                                 "54)"_s;
    QTest::addRow("a JSON array") << QByteArray("[\"" + token + "\"]")
                                  << u"/c/x.json: not a JSON object (another JSON value at byte "
                                     "0)"_s;
    QTest::addRow("no access token") << QByteArray(R"({"expiresAt": "2026-12-02T18:00:00Z"})")
                                     << u"/c/x.json: 'accessToken' is missing"_s;
    QTest::addRow("no expiry") << QByteArray("{\"accessToken\": \"" + token + "\"}")
                               << u"/c/x.json: 'expiresAt' is missing"_s;
    QTest::addRow("an expiry that is not a time")
            << QByteArray("{\"accessToken\": \"" + token + "\", \"expiresAt\": \"" + token + "\"}")
            << u"/c/x.json: 'expiresAt' is not a UTC time like 2026-12-02T18:00:00Z"_s;
    QTest::addRow("an expiry without a zone")
            << QByteArray("{\"accessToken\": \"" + token
                          + "\", \"expiresAt\": \"2026-12-02T18:00:00\"}")
            << u"/c/x.json: 'expiresAt' is not a UTC time like 2026-12-02T18:00:00Z"_s;
    QTest::addRow("an impossible date")
            << QByteArray("{\"accessToken\": \"" + token
                          + "\", \"expiresAt\": \"2026-02-30T18:00:00Z\"}")
            << u"/c/x.json: 'expiresAt' is not a UTC time like 2026-12-02T18:00:00Z"_s;
    QTest::addRow("an expiry in epoch seconds")
            << QByteArray("{\"accessToken\": \"" + token + "\", \"expiresAt\": 1796320800}")
            << u"/c/x.json: 'expiresAt' is not a string"_s;
    QTest::addRow("a token that is not a string")
            << QByteArray(R"({"accessToken": 12, "expiresAt": "2026-12-02T18:00:00Z"})")
            << u"/c/x.json: 'accessToken' is not a string"_s;
    QTest::addRow("a bad registration expiry")
            << QByteArray("{\"accessToken\": \"" + token
                          + "\", \"expiresAt\": \"2026-12-02T18:00:00Z\", \"clientSecret\": \""
                          + clientSecret.toUtf8() + "\", \"registrationExpiresAt\": \"soon\"}")
            << u"/c/x.json: 'registrationExpiresAt' is not a UTC time like 2026-12-02T18:00:00Z"_s;
}

void tst_SsoTokenCache::badFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const auto token = parseSsoCachedToken(json, u"/c/x.json"_s);
    QVERIFY(!token.ok());
    QCOMPARE(token.error().message, message);
    QVERIFY(!token.error().message.contains(accessToken));
    QVERIFY(!token.error().message.contains(clientSecret));
}

void tst_SsoTokenCache::serializeUsesBotocoreNames()
{
    const QJsonObject object =
            QJsonDocument::fromJson(serializeSsoCachedToken(sessionToken())).object();
    const QJsonObject expected{{u"startUrl"_s, u"https://my-sso-portal.awsapps.com/start"_s},
                               {u"region"_s, u"eu-west-1"_s},
                               {u"accessToken"_s, accessToken},
                               {u"expiresAt"_s, u"2026-12-02T18:00:00Z"_s},
                               {u"refreshToken"_s, refreshToken},
                               {u"clientId"_s, u"client-id-123"_s},
                               {u"clientSecret"_s, clientSecret},
                               {u"registrationExpiresAt"_s, u"2027-03-02T17:59:59Z"_s}};
    QCOMPARE(object, expected);

    SsoCachedToken legacy = sessionToken();
    legacy.refreshToken.clear();
    legacy.registration = {};
    legacy.expiresAt = QDateTime(QDate(2026, 12, 2), QTime(19, 0, 0, 999), Qt::OffsetFromUTC, 3600);
    const QJsonObject legacyObject =
            QJsonDocument::fromJson(serializeSsoCachedToken(legacy)).object();
    QCOMPARE(legacyObject.keys(),
             (QStringList{u"accessToken"_s, u"expiresAt"_s, u"region"_s, u"startUrl"_s}));
    QCOMPARE(legacyObject.value(u"expiresAt"_s).toString(), u"2026-12-02T18:00:00Z"_s);
}

void tst_SsoTokenCache::roundTrip()
{
    QTemporaryDir home;
    const QString directory = home.filePath(u".aws/sso/cache"_s);
    const SsoCachedToken token = sessionToken();
    const auto written = writeSsoCachedToken(directory, u"my-sso"_s, token);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message));
    QVERIFY(QFile::exists(directory + u"/0ad374308c5a4e22f723adf10145eafad7c4031c.json"_s));

    const auto read = readSsoCachedToken(directory, u"my-sso"_s);
    QVERIFY(read.ok());
    QVERIFY(read.value().has_value());
    // Every member, with the times exact to the millisecond.
    QCOMPARE(serializeSsoCachedToken(*read.value()), serializeSsoCachedToken(token));
    QCOMPARE(read.value()->expiresAt, token.expiresAt);
    QCOMPARE(read.value()->registration, token.registration);
}

void tst_SsoTokenCache::missingAndEmptyFiles()
{
    QTemporaryDir directory;
    auto read = readSsoCachedToken(directory.path(), u"nobody"_s);
    QVERIFY(read.ok());
    QVERIFY(!read.value().has_value());
    read = readSsoCachedToken(directory.filePath(u"no/such/dir"_s), u"nobody"_s);
    QVERIFY(read.ok());
    QVERIFY(!read.value().has_value());

    // A file another writer has just created.
    QVERIFY(writeFile(directory.filePath(ssoTokenCacheFileName(u"s"_s)), {}));
    read = readSsoCachedToken(directory.path(), u"s"_s);
    QVERIFY(read.ok());
    QVERIFY(!read.value().has_value());

    QVERIFY(writeFile(directory.filePath(ssoTokenCacheFileName(u"s"_s)), "{]"));
    read = readSsoCachedToken(directory.path(), u"s"_s);
    QVERIFY(!read.ok());
    QVERIFY(read.error().message.startsWith(directory.filePath(ssoTokenCacheFileName(u"s"_s))
                                            + u": not a JSON object"_s));
}

void tst_SsoTokenCache::permissions_data()
{
    QTest::addColumn<int>("umask");
    QTest::addRow("the usual umask 022") << 022;
    QTest::addRow("umask 0: nothing narrows what we ask for") << 0;
}

void tst_SsoTokenCache::permissions()
{
    QFETCH(int, umask);
    const mode_t previous = ::umask(mode_t(umask));
    const auto restore = qScopeGuard([previous] {
        ::umask(previous);
    });

    QTemporaryDir home;
    const QString directory = home.filePath(u".aws/sso/cache"_s);
    QVERIFY(writeSsoCachedToken(directory, u"my-sso"_s, sessionToken()).ok());
    const QString file = directory + u"/"_s + ssoTokenCacheFileName(u"my-sso"_s);
    QCOMPARE(permissionsOf(directory), u"700"_s);
    QCOMPARE(permissionsOf(file), u"600"_s);
    // No temporary file is left behind.
    QCOMPARE(QDir(directory).entryList(QDir::Files | QDir::Hidden),
             QStringList{ssoTokenCacheFileName(u"my-sso"_s)});

    // A file someone made readable to others is narrowed when replaced; the directory, which
    // the user owns and may have chosen, is left alone.
    QVERIFY(QFile::setPermissions(file,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    QVERIFY(QFile::setPermissions(directory,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ExeOwner | QFileDevice::ReadGroup
                                          | QFileDevice::ExeGroup));
    QVERIFY(writeSsoCachedToken(directory, u"my-sso"_s, sessionToken()).ok());
    QCOMPARE(permissionsOf(file), u"600"_s);
    QCOMPARE(permissionsOf(directory), u"750"_s);
}

void tst_SsoTokenCache::unknownMembersAreKept()
{
    QTemporaryDir directory;
    const QString file = directory.filePath(ssoTokenCacheFileName(u"my-sso"_s));
    // A newer AWS CLI's file: members imsa does not know, and a refresh token the new
    // sign-in has none of.
    QVERIFY(writeFile(file,
                      "{\"startUrl\": \"https://old.awsapps.com/start\", \"accessToken\": \"old\", "
                      "\"expiresAt\": \"2026-01-01T00:00:00Z\", \"refreshToken\": \"old-refresh\", "
                      "\"scopes\": [\"sso:account:access\"], \"futureField\": {\"nested\": 1}}"));
    SsoCachedToken token = sessionToken();
    token.refreshToken.clear();
    QVERIFY(writeSsoCachedToken(directory.path(), u"my-sso"_s, token).ok());

    const QJsonObject object = QJsonDocument::fromJson(readAll(file)).object();
    QCOMPARE(object.value(u"scopes"_s).toArray(), QJsonArray{u"sso:account:access"_s});
    QCOMPARE(object.value(u"futureField"_s).toObject(), (QJsonObject{{u"nested"_s, 1}}));
    QCOMPARE(object.value(u"accessToken"_s).toString(), accessToken);
    QCOMPARE(object.value(u"startUrl"_s).toString(), token.startUrl);
    QVERIFY(!object.contains(u"refreshToken"_s));
}

void tst_SsoTokenCache::remove()
{
    QTemporaryDir directory;
    QVERIFY(writeSsoCachedToken(directory.path(), u"my-sso"_s, sessionToken()).ok());
    QVERIFY(writeSsoCachedToken(directory.path(), u"other"_s, sessionToken()).ok());
    QVERIFY(removeSsoCachedToken(directory.path(), u"my-sso"_s).ok());
    QVERIFY(!readSsoCachedToken(directory.path(), u"my-sso"_s).value().has_value());
    QVERIFY(readSsoCachedToken(directory.path(), u"other"_s).value().has_value());
    QVERIFY(removeSsoCachedToken(directory.path(), u"my-sso"_s).ok());
}

// The AWS CLI and boto3 find and accept the file imsa writes: botocore's own SSOTokenLoader over
// a JSONFileCache, the expiry parsed with dateutil as SSOTokenProvider does.
void tst_SsoTokenCache::botocoreReadsOurFile()
{
    if (const auto missing = botocoreMissing())
        QSKIP(qPrintable(*missing));
    QTemporaryDir directory;
    QVERIFY(writeSsoCachedToken(directory.path(), u"my-sso"_s, sessionToken()).ok());
    SsoCachedToken legacy = sessionToken();
    legacy.refreshToken.clear();
    legacy.registration = {};
    QVERIFY(writeSsoCachedToken(directory.path(), legacy.startUrl, legacy).ok());

    const QString script = QString::fromUtf8(
            "import sys, dateutil.parser as p\n"
            "from botocore.utils import SSOTokenLoader, JSONFileCache\n"
            "from botocore.tokens import _sso_json_dumps as dumps\n"
            "load = SSOTokenLoader(cache=JSONFileCache(sys.argv[1], dumps_func=dumps))\n"
            "url = 'https://my-sso-portal.awsapps.com/start'\n"
            "t, legacy = load(url, session_name='my-sso'), load(url)\n"
            "print(t['accessToken'] == sys.argv[2], t['refreshToken'] == sys.argv[3], "
            "t['clientId'],\n"
            "      p.parse(t['expiresAt']).isoformat(), "
            "p.parse(t['registrationExpiresAt']).isoformat(),\n"
            "      legacy['region'], 'refreshToken' in legacy)\n");
    const Python python = runPython(script, {directory.path(), accessToken, refreshToken});
    QVERIFY2(python.exitCode == 0, qPrintable(python.errors));
    QCOMPARE(python.output,
             u"True True client-id-123 2026-12-02T18:00:00+00:00 2027-03-02T17:59:59+00:00 "
             "eu-west-1 False"_s);
}

// And imsa reads what botocore's SSOTokenProvider writes after a refresh (datetime objects
// through its _sso_json_dumps), and keeps the members imsa does not know when it writes back.
void tst_SsoTokenCache::weReadBotocoresFile()
{
    if (const auto missing = botocoreMissing())
        QSKIP(qPrintable(*missing));
    QTemporaryDir directory;
    const QString script = QString::fromUtf8(
            "import sys, datetime\n"
            "from dateutil.tz import tzutc\n"
            "from botocore.utils import SSOTokenLoader, JSONFileCache\n"
            "from botocore.tokens import _sso_json_dumps as dumps\n"
            "load = SSOTokenLoader(cache=JSONFileCache(sys.argv[1], dumps_func=dumps))\n"
            "load.save_token('https://my-sso-portal.awsapps.com/start', {\n"
            "    'startUrl': 'https://my-sso-portal.awsapps.com/start', 'region': 'eu-west-1',\n"
            "    'expiresAt': datetime.datetime(2026, 12, 2, 18, 0, 0, 750000, tzinfo=tzutc()),\n"
            "    'accessToken': sys.argv[2], 'refreshToken': sys.argv[3], 'clientSecret': "
            "sys.argv[4],\n"
            "    'clientId': 'client-id-123', 'registrationExpiresAt': '2027-03-02T17:59:59Z',\n"
            "    'scopes': ['sso:account:access']}, session_name='my-sso')\n");
    const Python python =
            runPython(script, {directory.path(), accessToken, refreshToken, clientSecret});
    QVERIFY2(python.exitCode == 0, qPrintable(python.errors));

    const auto read = readSsoCachedToken(directory.path(), u"my-sso"_s);
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().message));
    QVERIFY(read.value().has_value());
    // botocore drops the fraction of a second, as we do.
    QCOMPARE(serializeSsoCachedToken(*read.value()), serializeSsoCachedToken(sessionToken()));
    QCOMPARE(read.value()->expiresAt, sessionToken().expiresAt);
    QCOMPARE(read.value()->registration, sessionToken().registration);

    QVERIFY(writeSsoCachedToken(directory.path(), u"my-sso"_s, *read.value()).ok());
    const QJsonObject object =
            QJsonDocument::fromJson(readAll(directory.filePath(ssoTokenCacheFileName(u"my-sso"_s))))
                    .object();
    QCOMPARE(object.value(u"scopes"_s).toArray(), QJsonArray{u"sso:account:access"_s});
}

QTEST_GUILESS_MAIN(tst_SsoTokenCache)

#include "tst_ssotokencache.moc"
