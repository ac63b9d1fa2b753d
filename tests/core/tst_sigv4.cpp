#include <optional>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "imsa/sigv4.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

// tests/data/sigv4/README.md: 38 cases, each signed in the header form and the query form.
constexpr qsizetype suiteRowCount = 76;

QString suiteDir()
{
    return qEnvironmentVariable("IMSA_TEST_DATA") + u"/sigv4/v4"_s;
}

/// The rows of vectors(): every case directory, once per form ("header", "query").
QList<std::pair<QString, QString>> suiteRows()
{
    QList<std::pair<QString, QString>> rows;
    if (qEnvironmentVariableIsEmpty("IMSA_TEST_DATA"))
        return rows;
    const QStringList cases =
            QDir(suiteDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : cases) {
        rows.append({name, u"header"_s});
        rows.append({name, u"query"_s});
    }
    return rows;
}

std::optional<QByteArray> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return file.readAll();
}

/// The suite's request.txt: request line, "Name:value" lines (a line starting with whitespace
/// continues the previous value, kept raw with its line break), blank line, body.
std::optional<sigv4::Request> parseRequest(const QByteArray &text)
{
    sigv4::Request request;
    const qsizetype headEnd = text.indexOf("\n\n");
    if (headEnd >= 0)
        request.body = text.mid(headEnd + 2);
    QByteArrayList lines = (headEnd >= 0 ? text.left(headEnd) : text).split('\n');

    const QByteArray requestLine = lines.takeFirst();
    const qsizetype methodEnd = requestLine.indexOf(' ');
    const qsizetype versionStart = requestLine.lastIndexOf(' ');
    if (methodEnd <= 0 || versionStart <= methodEnd)
        return std::nullopt;
    request.method = requestLine.left(methodEnd);
    request.target = requestLine.mid(methodEnd + 1, versionStart - methodEnd - 1);

    for (const QByteArray &line : std::as_const(lines)) {
        if (line.isEmpty())
            continue;
        if (line.front() == ' ' || line.front() == '\t') {
            if (request.headers.isEmpty())
                return std::nullopt;
            request.headers.last().second += '\n' + line;
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        request.headers.append({line.left(colon), line.mid(colon + 1)});
    }
    return request;
}

/// The request as the suite's *-signed-request.txt writes it.
QByteArray signedRequestText(const sigv4::Request &request, const sigv4::Signature &signature)
{
    QByteArray text = request.method + ' ' + signature.signedTarget + " HTTP/1.1\n";
    for (const auto &[name, value] : request.headers + signature.addedHeaders)
        text += name + ':' + value + '\n';
    return text + '\n' + request.body;
}

QByteArray headerLines(const sigv4::HeaderList &headers)
{
    QByteArray text;
    for (const auto &[name, value] : headers)
        text += name + ": " + value + '\n';
    return text;
}

} // namespace

class tst_SigV4 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void suiteHasEveryRow();
    void vectors_data();
    void vectors();
    void canonicalPathAndQuery_data();
    void canonicalPathAndQuery();
    void stsFormPost_data();
    void stsFormPost();
};

void tst_SigV4::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("IMSA_TEST_DATA"),
             "IMSA_TEST_DATA is not set: run through ctest");
    QVERIFY2(QDir(suiteDir()).exists(), qPrintable(u"no test suite at "_s + suiteDir()));
}

// A missing or emptied data directory would otherwise leave vectors() with nothing to check.
void tst_SigV4::suiteHasEveryRow()
{
    QCOMPARE(suiteRows().size(), suiteRowCount);
}

void tst_SigV4::vectors_data()
{
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<QString>("form");
    for (const auto &[caseName, form] : suiteRows())
        QTest::addRow("%s (%s)", qPrintable(caseName), qPrintable(form)) << caseName << form;
}

void tst_SigV4::vectors()
{
    QFETCH(QString, caseName);
    QFETCH(QString, form);
    const QString dir = suiteDir() + u'/' + caseName + u'/';
    const auto file = [&dir](const QString &name) {
        return readFile(dir + name);
    };

    const std::optional<QByteArray> requestText = file(u"request.txt"_s);
    const std::optional<QByteArray> contextText = file(u"context.json"_s);
    QVERIFY(requestText && contextText);
    const std::optional<sigv4::Request> request = parseRequest(*requestText);
    QVERIFY2(request, "request.txt does not parse");

    const QJsonObject context = QJsonDocument::fromJson(*contextText).object();
    const QJsonObject keys = context.value("credentials"_L1).toObject();
    const AwsCredentials credentials{keys.value("access_key_id"_L1).toString(),
                                     keys.value("secret_access_key"_L1).toString(),
                                     keys.value("token"_L1).toString(),
                                     {}};
    QVERIFY(credentials.isComplete());
    sigv4::Options options;
    options.region = context.value("region"_L1).toString();
    options.service = context.value("service"_L1).toString();
    options.time = QDateTime::fromString(context.value("timestamp"_L1).toString(), Qt::ISODate);
    options.normalizePath = context.value("normalize"_L1).toBool();
    options.signBody = context.value("sign_body"_L1).toBool();
    options.omitSessionToken = context.value("omit_session_token"_L1).toBool();
    options.expiresSeconds = context.value("expiration_in_seconds"_L1).toInt();
    QVERIFY(options.time.isValid());

    const sigv4::Signature signature = form == "header"_L1
            ? sigv4::signHeaders(*request, credentials, options)
            : sigv4::signQuery(*request, credentials, options);

    const auto expected = [&file, &form](const QString &suffix) {
        QByteArray text = file(form + u'-' + suffix).value_or(QByteArrayLiteral("<missing>"));
        if (text.endsWith('\n'))
            text.chop(1);
        return text;
    };
    QCOMPARE(signature.canonicalRequest, expected(u"canonical-request.txt"_s));
    QCOMPARE(signature.stringToSign, expected(u"string-to-sign.txt"_s));
    QCOMPARE(signature.signature, expected(u"signature.txt"_s));
    // Compared whole: the Authorization header or signed query, and where the suite puts each
    // added header or parameter.
    const std::optional<QByteArray> signedRequest = file(form + u"-signed-request.txt"_s);
    QVERIFY(signedRequest);
    QCOMPARE(signedRequestText(*request, signature), *signedRequest);
}

// Cases the suite has no example of; expected values are what botocore 1.29 (Debian's
// python3-botocore) computes: SigV4Auth._normalize_url_path() and canonical_query_string() for
// the normalizing form, S3SigV4Auth for the other.
void tst_SigV4::canonicalPathAndQuery_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<bool>("normalizePath");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");

    QTest::addRow("an already encoded path is encoded again when normalizing")
            << "/a%20b/./c//d/"_ba << true << "/a%2520b/c/d/"_ba
            << ""_ba;
    QTest::addRow("an already encoded path is signed as sent without normalizing")
            << "/a%20b/./c//d/?acl"_ba << false << "/a%20b/./c//d/"_ba
            << "acl="_ba;
    QTest::addRow("repeated keys sort by value and a bare key gets an empty value")
            << "/?b=2&a=x%2By&a=1&acl"_ba << true << "/"_ba
            << "a=1&a=x%2By&acl=&b=2"_ba;
}

void tst_SigV4::canonicalPathAndQuery()
{
    QFETCH(QByteArray, target);
    QFETCH(bool, normalizePath);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, query);

    sigv4::Options options;
    options.region = u"us-east-1"_s;
    options.service = u"service"_s;
    options.time = QDateTime(QDate(2015, 8, 30), QTime(12, 36), Qt::UTC);
    options.normalizePath = normalizePath;
    const sigv4::Signature signature = sigv4::signHeaders(
            {"GET"_ba, target, {{"Host"_ba, "example.amazonaws.com"_ba}}, {}},
            {u"AKIDEXAMPLE"_s, u"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"_s, {}, {}}, options);
    const QByteArrayList lines = signature.canonicalRequest.split('\n');
    QVERIFY(lines.size() > 2);
    QCOMPARE(lines.at(1), path);
    QCOMPARE(lines.at(2), query);
}

// The calls imsa makes: a form-encoded POST to STS. Expected headers computed independently with
// Debian's python3-botocore 1.29: AWSRequest(method="POST", url="https://<host>/", data=<body>,
// headers={"Content-Type": <same>}), SigV4Auth(Credentials(AKIDEXAMPLE, <suite secret>, <token>),
// "sts", <region>).add_auth() with datetime.utcnow() patched to 2026-11-25 09:30:15.
void tst_SigV4::stsFormPost_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QByteArray>("addedHeaders");

    const QByteArray getCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15"_ba;
    const QString token = u"FwoGZXIvYXdzEXAMPLE//token+with/slashes=="_s;

    QTest::addRow("GetCallerIdentity on the global endpoint with a session token")
            << "sts.amazonaws.com"_ba << u"us-east-1"_s << getCallerIdentity << token
            << "X-Amz-Security-Token: FwoGZXIvYXdzEXAMPLE//token+with/slashes==\n"
               "X-Amz-Date: 20261125T093015Z\n"
               "Authorization: AWS4-HMAC-SHA256 "
               "Credential=AKIDEXAMPLE/20261125/us-east-1/sts/aws4_request, "
               "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
               "Signature=026d46e7108fb2bc73705b70b5601b5b5a65de688e7f7b446668e58cf3bbb022\n"_ba;
    QTest::addRow("GetCallerIdentity with long-lived keys")
            << "sts.amazonaws.com"_ba << u"us-east-1"_s << getCallerIdentity << QString()
            << "X-Amz-Date: 20261125T093015Z\n"
               "Authorization: AWS4-HMAC-SHA256 "
               "Credential=AKIDEXAMPLE/20261125/us-east-1/sts/aws4_request, "
               "SignedHeaders=content-type;host;x-amz-date, "
               "Signature=6dc0b08e33235384254b072c20468846cbb57686e7287ed20b506eeb413b11a2\n"_ba;
    QTest::addRow("AssumeRole on a regional endpoint with an encoded role ARN")
            << "sts.eu-west-1.amazonaws.com"_ba << u"eu-west-1"_s
            << "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
               "&RoleSessionName=imsa-alice&DurationSeconds=3600&Version=2011-06-15"_ba
            << token
            << "X-Amz-Security-Token: FwoGZXIvYXdzEXAMPLE//token+with/slashes==\n"
               "X-Amz-Date: 20261125T093015Z\n"
               "Authorization: AWS4-HMAC-SHA256 "
               "Credential=AKIDEXAMPLE/20261125/eu-west-1/sts/aws4_request, "
               "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
               "Signature=ede95ba4cbb97d7103baefc0bf149c901efae3cda37c9f584dc3be593c375f41\n"_ba;
}

void tst_SigV4::stsFormPost()
{
    QFETCH(QByteArray, host);
    QFETCH(QString, region);
    QFETCH(QByteArray, body);
    QFETCH(QString, token);
    QFETCH(QByteArray, addedHeaders);

    const sigv4::Request request{
            "POST"_ba,
            "/"_ba,
            {{"Content-Type"_ba, "application/x-www-form-urlencoded; charset=utf-8"_ba},
             {"Host"_ba, host}},
            body};
    sigv4::Options options;
    options.region = region;
    options.service = u"sts"_s;
    options.time = QDateTime(QDate(2026, 11, 25), QTime(9, 30, 15), Qt::UTC);
    const AwsCredentials credentials{
            u"AKIDEXAMPLE"_s, u"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"_s, token, {}};

    const sigv4::Signature signature = sigv4::signHeaders(request, credentials, options);
    QCOMPARE(headerLines(signature.addedHeaders), addedHeaders);
    QCOMPARE(signature.signedTarget, request.target);
}

QTEST_APPLESS_MAIN(tst_SigV4)
#include "tst_sigv4.moc"
