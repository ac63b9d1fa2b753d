#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include "imsa/profileloader.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

const QString imsaName = u"/h/.imsa"_s;
const QString configName = u"/h/.aws/config"_s;
const QString credentialsName = u"/h/.aws/credentials"_s;
constexpr auto key = "AKIAIOSFODNN7EXAMPLE";
constexpr auto secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Test input with $KEY and $SECRET standing for a well-formed key pair.
QByteArray input(QByteArray text)
{
    return text.replace("$KEY", key).replace("$SECRET", secret);
}

QStringList strings(const QList<ConfigError> &errors)
{
    QStringList result;
    for (const ConfigError &error : errors)
        result.append(error.toString());
    return result;
}

QStringList names(const QList<Profile> &profiles)
{
    QStringList result;
    for (const Profile &profile : profiles)
        result.append(profile.name);
    return result;
}

QByteArray readData(const QString &name)
{
    QFile file(qEnvironmentVariable("IMSA_TEST_DATA") + u"/config/"_s + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// One row of a .cases file (see tests/data/config/imsa-errors.cases for the format).
struct TestCase
{
    QString name;
    QHash<QString, QByteArray> parts;

    /// The non-empty lines of a part.
    QStringList lines(const QString &part) const
    {
        QStringList result = QString::fromUtf8(parts.value(part)).split(u'\n');
        result.removeAll(QString());
        return result;
    }
};

QList<TestCase> readCases(const QString &fileName)
{
    QList<TestCase> cases;
    QString part;
    for (const QByteArray &line : readData(fileName).split('\n')) {
        if (line.startsWith("### ")) {
            cases.append({QString::fromUtf8(line.mid(4)), {}});
            part.clear();
        } else if (line.startsWith("--- ") && !cases.isEmpty()) {
            part = QString::fromUtf8(line.mid(4));
            cases.last().parts.insert(part, QByteArray());
        } else if (!part.isEmpty()) {
            cases.last().parts[part] += input(line) + '\n';
        }
    }
    return cases;
}

/// Every field on its own line, so that a failed comparison shows which one differs.
QString describe(const Profile &p)
{
    return QStringList{p.name,
                       p.source == ProfileSource::ImsaFile ? u"imsa"_s : u"aws"_s,
                       p.sourceFile + u':' + QString::number(p.sourceLine),
                       u"keys of "_s + p.keyProfile + u": "_s + p.accessKeyId + u' '
                               + p.secretAccessKey,
                       p.secretLocation == SecretLocation::File ? u"file"_s : u"key store"_s,
                       u"mfa "_s + p.mfaSerial + u' ' + QString::number(p.mfaSessionDurationSeconds)
                               + u' ' + p.mfaProcess,
                       u"role "_s + p.roleArn + u' ' + p.roleSessionName + u' ' + p.externalId
                               + u' ' + QString::number(p.roleDurationSeconds),
                       u"region "_s + p.region + u" sts "_s + p.stsEndpoint + u' ' + p.stsRegion,
                       u"sso "_s + p.sso.sessionName + u' ' + p.sso.startUrl + u' ' + p.sso.region
                               + u' ' + p.sso.registrationScopes.join(u',') + u' ' + p.sso.accountId
                               + u' ' + p.sso.roleName}
            .join(u'\n');
}

/// An expected profile: where it is written and whose keys it uses; the secret is in the file
/// when one is given.
Profile expectedProfile(const QString &name, const QString &file, int line,
                        const QString &keyProfile, const QString &accessKeyId,
                        const QString &secretAccessKey = {})
{
    Profile profile;
    profile.name = name;
    profile.source = file == imsaName ? ProfileSource::ImsaFile : ProfileSource::AwsConfig;
    profile.sourceFile = file;
    profile.sourceLine = line;
    profile.keyProfile = keyProfile;
    profile.accessKeyId = accessKeyId;
    profile.secretAccessKey = secretAccessKey;
    profile.secretLocation =
            secretAccessKey.isEmpty() ? SecretLocation::KeyStore : SecretLocation::File;
    return profile;
}

void compareProfiles(const QList<Profile> &actual, const QList<Profile> &expected)
{
    QCOMPARE(names(actual), names(expected));
    for (qsizetype i = 0; i < actual.size(); ++i)
        QCOMPARE(describe(actual[i]), describe(expected[i]));
}

} // namespace

class tst_ProfileLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void imsaErrors_data();
    void imsaErrors();
    void imsaProfiles_data();
    void imsaProfiles();
    void awsErrors_data();
    void awsErrors();
    void awsProfiles_data();
    void awsProfiles();
    void loadFiles_data();
    void loadFiles();
    void pathsFromEnvironment_data();
    void pathsFromEnvironment();
    void defaultRoleSessionName_data();
    void defaultRoleSessionName();
    void similarNames_data();
    void similarNames();
    void find();
    void longExtendsChain();
};

void tst_ProfileLoader::initTestCase()
{
    QVERIFY(!qEnvironmentVariableIsEmpty("IMSA_TEST_DATA"));
    // Default role session names derive from the login name.
    qputenv("USER", "jane.doe");
}

void tst_ProfileLoader::imsaErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QStringList>("errors");
    QTest::addColumn<QStringList>("valid");

    const QList<TestCase> cases = readCases(u"imsa-errors.cases"_s);
    QVERIFY(!cases.isEmpty());
    for (const TestCase &row : cases) {
        QTest::addRow("%s", qPrintable(row.name))
                << row.parts.value(u"imsa"_s) << row.lines(u"errors"_s) << row.lines(u"valid"_s);
    }
    QTest::addRow("nesting too deep is a syntax error, not a crash")
            << QByteArray(5000, '[')
            << QStringList{u"/h/.imsa:1:1: YAML syntax error: nested too deeply"_s}
            << QStringList();
}

void tst_ProfileLoader::imsaErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, valid);

    const ProfileSet set = parseImsaYaml(yaml, imsaName);
    QCOMPARE(strings(set.errors), errors);
    QCOMPARE(names(set.profiles), valid);
    QVERIFY(set.notices.isEmpty());
    QVERIFY(!strings(set.errors).join(u'\n').contains(QLatin1StringView(secret)));
}

void tst_ProfileLoader::imsaProfiles_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QList<Profile>>("expected");

    const QString base = u"some_base_profile"_s;
    Profile readmeBase = expectedProfile(base, imsaName, 2, base, QLatin1StringView(key),
                                         QLatin1StringView(secret));
    readmeBase.mfaSerial = u"arn:aws:iam::123456789012:mfa/UserName"_s;
    readmeBase.roleSessionName = u"SomeSessionName"_s;
    Profile one = readmeBase;
    one.name = u"profile_one"_s;
    one.sourceLine = 8;
    one.roleArn = u"arn:aws:iam::123456789012:role/RoleNameOne"_s;
    Profile two = readmeBase;
    two.name = u"profile_two"_s;
    two.sourceLine = 12;
    two.roleArn = u"arn:aws:iam::123456789012:role/RoleNameTwo"_s;
    two.roleSessionName = u"SomeOtherSessionName"_s;
    QTest::addRow("the original imsa README's example, unchanged but for real-looking values")
            << readData(u"original-readme.imsa"_s) << QList<Profile>{one, two, readmeBase};

    Profile chainBase = expectedProfile(u"base"_s, imsaName, 3, u"base"_s, QLatin1StringView(key));
    chainBase.mfaSerial = u"GAHT12345678"_s;
    chainBase.region = u"eu-west-1"_s;
    chainBase.mfaProcess = u"pass otp aws/jane"_s;
    chainBase.mfaSessionDurationSeconds = 28800;
    Profile team = chainBase;
    team.name = u"team"_s;
    team.sourceLine = 10;
    team.roleArn = u"arn:aws:iam::123456789012:role/Developer"_s;
    team.roleSessionName = u"imsa-jane.doe"_s;
    team.roleDurationSeconds = 7200;
    team.stsRegion = u"eu-central-1"_s;
    Profile admin = team;
    admin.name = u"admin"_s;
    admin.sourceLine = 16;
    admin.roleArn = u"arn:aws-us-gov:iam::210987654321:role/ops/Admin"_s;
    admin.roleSessionName = u"jane@example.com"_s;
    admin.externalId = u"vendor-4711"_s;
    admin.stsEndpoint = u"http://127.0.0.1:4566"_s;
    admin.region = u"us-gov-west-1"_s;
    Profile shared = chainBase;
    shared.name = u".shared"_s;
    shared.sourceLine = 25;
    shared.roleSessionName = u"shared-session"_s;
    shared.region = u"ap-southeast-2"_s;
    Profile merged = shared;
    merged.name = u"merged"_s;
    merged.sourceLine = 30;
    merged.roleArn = u"arn:aws:iam::123456789012:role/Merged"_s;
    merged.region = u"ca-central-1"_s;
    QTest::addRow("three levels of extends, overrides, merge keys and imsa's own keys")
            << readData(u"inheritance.imsa"_s)
            << QList<Profile>{shared, admin, chainBase, merged, team};
}

void tst_ProfileLoader::imsaProfiles()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QList<Profile>, expected);

    QVERIFY(!yaml.isEmpty());
    const ProfileSet set = parseImsaYaml(yaml, imsaName);
    QCOMPARE(strings(set.errors), QStringList());
    compareProfiles(set.profiles, expected);
}

void tst_ProfileLoader::awsErrors_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    QTest::addColumn<QStringList>("errors");
    QTest::addColumn<QStringList>("valid");
    QTest::addColumn<QStringList>("notices");

    const QList<TestCase> cases = readCases(u"aws-errors.cases"_s);
    QVERIFY(!cases.isEmpty());
    for (const TestCase &row : cases) {
        QTest::addRow("%s", qPrintable(row.name))
                << row.parts.value(u"config"_s) << row.parts.value(u"credentials"_s)
                << row.lines(u"errors"_s) << row.lines(u"valid"_s) << row.lines(u"notices"_s);
    }
}

void tst_ProfileLoader::awsErrors()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, valid);
    QFETCH(QStringList, notices);

    const ProfileSet set = parseAwsConfig(config, configName, credentials, credentialsName);
    QCOMPARE(strings(set.errors), errors);
    QCOMPARE(names(set.profiles), valid);
    QCOMPARE(strings(set.notices), notices);
}

void tst_ProfileLoader::awsProfiles_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    QTest::addColumn<QList<Profile>>("expected");

    Profile defaultProfile = expectedProfile(u"default"_s, configName, 2, u"default"_s,
                                             QLatin1StringView(key), QLatin1StringView(secret));
    defaultProfile.region = u"eu-west-1"_s;
    Profile admin = defaultProfile;
    admin.name = u"admin"_s;
    admin.sourceLine = 6;
    admin.mfaSerial = u"arn:aws:iam::123456789012:mfa/jane"_s;
    admin.roleArn = u"arn:aws:iam::123456789012:role/Admin"_s;
    admin.roleSessionName = u"imsa-jane.doe"_s;
    admin.roleDurationSeconds = 7200;
    admin.region = u"eu-central-1"_s;
    const Profile ci =
            expectedProfile(u"ci"_s, credentialsName, 6, u"ci"_s, u"AKIAI44QH8DHBEXAMPLE"_s);
    Profile partner = ci;
    partner.name = u"partner"_s;
    partner.sourceFile = configName;
    partner.sourceLine = 16;
    partner.roleArn = u"arn:aws-cn:iam::210987654321:role/path/to/Auditor"_s;
    partner.externalId = u"partner-4711"_s;
    partner.roleSessionName = u"jane@example.com"_s;
    Profile self = expectedProfile(u"self"_s, configName, 22, u"self"_s, u"AKIAJ7EXAMPLESELFKEY"_s,
                                   u"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"_s);
    self.roleArn = u"arn:aws:iam::123456789012:role/Self"_s;
    self.roleSessionName = u"imsa-jane.doe"_s;
    Profile ssoDev = expectedProfile(u"sso-dev"_s, configName, 30, u"sso-dev"_s, {});
    ssoDev.sso = {u"corp"_s,         u"https://corp.awsapps.com/start"_s,
                  u"eu-west-1"_s,    {},
                  u"123456789012"_s, u"Developer"_s};
    Profile viaSso = ssoDev;
    viaSso.name = u"via-sso"_s;
    viaSso.sourceLine = 35;
    viaSso.roleArn = u"arn:aws:iam::123456789012:role/FromSso"_s;
    viaSso.roleSessionName = u"imsa-jane.doe"_s;
    QTest::addRow("config and credentials with chains, SSO and nested settings")
            << readData(u"aws-config"_s) << readData(u"aws-credentials"_s)
            << QList<Profile>{admin, ci, defaultProfile, partner, self, ssoDev, viaSso};

    Profile windows = expectedProfile(u"x"_s, configName, 1, u"x"_s, u"AKIAI44QH8DHBEXAMPLE"_s);
    windows.region = u"eu-west-1"_s;
    QTest::addRow("CRLF, an inline comment, and the credentials file winning a key")
            << input("[profile x]\r\nregion = eu-west-1 # home\r\naws_access_key_id = $KEY\r\n")
            << QByteArray("[x]\r\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\r\n")
            << QList<Profile>{windows};
}

void tst_ProfileLoader::awsProfiles()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    QFETCH(QList<Profile>, expected);

    const ProfileSet set = parseAwsConfig(config, configName, credentials, credentialsName);
    QCOMPARE(strings(set.errors), QStringList());
    QCOMPARE(strings(set.notices), QStringList());
    compareProfiles(set.profiles, expected);
}

void tst_ProfileLoader::loadFiles_data()
{
    // A null QByteArray leaves the file out; "<dir>" puts a directory in its place.
    QTest::addColumn<QByteArray>("imsa");
    QTest::addColumn<bool>("required");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    QTest::addColumn<QStringList>("valid");
    QTest::addColumn<QStringList>("errors"); // $D is the directory of the files
    QTest::addColumn<QStringList>("notices");

    QTest::addRow("no files at all") << QByteArray() << false << QByteArray() << QByteArray()
                                     << QStringList() << QStringList() << QStringList();
    QTest::addRow("IMSA_CONFIG names a missing file")
            << QByteArray() << true << QByteArray() << QByteArray() << QStringList()
            << QStringList{u"$D/imsa: file not found"_s} << QStringList();
    QTest::addRow("a directory where the file should be")
            << QByteArray("<dir>") << false << QByteArray() << QByteArray() << QStringList()
            << QStringList{u"$D/imsa: cannot read the file: file to open is a directory"_s}
            << QStringList();
    QTest::addRow("an unreadable credentials file drops the AWS profiles")
            << input("p:\n  aws_access_key_id: $KEY\n") << false
            << input("[profile q]\naws_access_key_id = $KEY\n") << QByteArray("<dir>")
            << QStringList{u"p"_s}
            << QStringList{u"$D/credentials: cannot read the file: file to open is a directory"_s}
            << QStringList();
    QTest::addRow("a file above the size cap is refused, naming the file and the cap")
            << QByteArray(1024 * 1024 + 1, '#') << false << QByteArray() << QByteArray()
            << QStringList()
            << QStringList{u"$D/imsa: file is larger than 1 MiB; not a configuration file"_s}
            << QStringList();
    for (const TestCase &row : readCases(u"load-files.cases"_s)) {
        QTest::addRow("%s", qPrintable(row.name))
                << row.parts.value(u"imsa"_s) << false << row.parts.value(u"config"_s)
                << row.parts.value(u"credentials"_s) << row.lines(u"valid"_s)
                << row.lines(u"errors"_s) << row.lines(u"notices"_s);
    }
}

void tst_ProfileLoader::loadFiles()
{
    QFETCH(QByteArray, imsa);
    QFETCH(bool, required);
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    QFETCH(QStringList, valid);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, notices);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ConfigPaths paths{dir.filePath(u"imsa"_s), required, dir.filePath(u"config"_s),
                            dir.filePath(u"credentials"_s)};
    const QList<std::pair<QString, QByteArray>> files{{paths.imsaFile, imsa},
                                                      {paths.awsConfigFile, config},
                                                      {paths.awsCredentialsFile, credentials}};
    for (const auto &[path, content] : files) {
        if (content == "<dir>") {
            QVERIFY(QDir().mkdir(path));
        } else if (!content.isNull()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(content), content.size());
        }
    }
    const ProfileSet set = loadProfiles(paths);
    QCOMPARE(names(set.profiles), valid);
    QCOMPARE(strings(set.errors).join(u'\n'), errors.join(u'\n').replace(u"$D"_s, dir.path()));
    QCOMPARE(strings(set.notices).join(u'\n'), notices.join(u'\n').replace(u"$D"_s, dir.path()));
}

void tst_ProfileLoader::pathsFromEnvironment_data()
{
    QTest::addColumn<QStringList>("variables");
    QTest::addColumn<QStringList>("expected"); // imsa file, required, config, credentials

    QTest::addRow("nothing set: the home directory")
            << QStringList{u"HOME=/home/jane"_s}
            << QStringList{u"/home/jane/.imsa"_s, u"optional"_s, u"/home/jane/.aws/config"_s,
                           u"/home/jane/.aws/credentials"_s};
    QTest::addRow("every variable set")
            << QStringList{u"HOME=/home/jane"_s, u"IMSA_CONFIG=/etc/imsa.yaml"_s,
                           u"AWS_CONFIG_FILE=/srv/aws.ini"_s,
                           u"AWS_SHARED_CREDENTIALS_FILE=/srv/keys.ini"_s}
            << QStringList{u"/etc/imsa.yaml"_s, u"required"_s, u"/srv/aws.ini"_s,
                           u"/srv/keys.ini"_s};
    QTest::addRow("a leading ~/ is the home directory")
            << QStringList{u"HOME=/home/jane"_s, u"IMSA_CONFIG=~/conf/imsa.yaml"_s,
                           u"AWS_CONFIG_FILE=~/aws"_s}
            << QStringList{u"/home/jane/conf/imsa.yaml"_s, u"required"_s, u"/home/jane/aws"_s,
                           u"/home/jane/.aws/credentials"_s};
    QTest::addRow("empty variables count as unset")
            << QStringList{u"HOME=/home/jane"_s, u"IMSA_CONFIG="_s, u"AWS_CONFIG_FILE="_s}
            << QStringList{u"/home/jane/.imsa"_s, u"optional"_s, u"/home/jane/.aws/config"_s,
                           u"/home/jane/.aws/credentials"_s};
}

void tst_ProfileLoader::pathsFromEnvironment()
{
    QFETCH(QStringList, variables);
    QFETCH(QStringList, expected);

    QProcessEnvironment env;
    for (const QString &variable : std::as_const(variables))
        env.insert(variable.section(u'=', 0, 0), variable.section(u'=', 1));
    const ConfigPaths paths = ConfigPaths::fromEnvironment(env);
    QCOMPARE((QStringList{paths.imsaFile, paths.imsaFileRequired ? u"required"_s : u"optional"_s,
                          paths.awsConfigFile, paths.awsCredentialsFile}),
             expected);
}

void tst_ProfileLoader::defaultRoleSessionName_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("expected");

    QTest::addRow("plain login name") << u"jane.doe"_s << u"imsa-jane.doe"_s;
    QTest::addRow("characters STS refuses are dropped") << u"José Núñez"_s << u"imsa-JosNez"_s;
    QTest::addRow("a Windows domain login") << u"CORP\\jane"_s << u"imsa-CORPjane"_s;
    QTest::addRow("nothing usable left") << u"äöü"_s << u"imsa"_s;
    QTest::addRow("cut to the 64 characters STS allows")
            << QString(70, u'x') << u"imsa-"_s + QString(59, u'x');
}

void tst_ProfileLoader::defaultRoleSessionName()
{
    QFETCH(QString, user);
    QFETCH(QString, expected);
    QCOMPARE(detail::defaultRoleSessionName(user), expected);
}

void tst_ProfileLoader::similarNames_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<int>("max");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("a typo") << u"admn"_s << 3 << QStringList{u"admin"_s};
    QTest::addRow("another case") << u"PROD"_s << 3 << QStringList{u"prod"_s, u"production"_s};
    QTest::addRow("a prefix") << u"stag"_s << 3 << QStringList{u"staging"_s};
    QTest::addRow("closest first, cut at max") << u"prod"_s << 1 << QStringList{u"production"_s};
    QTest::addRow("nothing close") << u"xyz"_s << 3 << QStringList();
}

void tst_ProfileLoader::similarNames()
{
    QFETCH(QString, typed);
    QFETCH(int, max);
    QFETCH(QStringList, expected);

    ProfileSet set;
    for (const char *name : {"admin", "dev", "prod", "production", "staging"})
        set.profiles.append(expectedProfile(QLatin1StringView(name), imsaName, 1, {}, {}));
    QCOMPARE(set.similarNames(typed, max), expected);
}

void tst_ProfileLoader::find()
{
    const ProfileSet set = parseImsaYaml(readData(u"original-readme.imsa"_s), imsaName);
    const Profile *profile = set.find(u"profile_two"_s);
    QVERIFY(profile);
    QCOMPARE(profile->roleSessionName, u"SomeOtherSessionName"_s);
    QVERIFY(!set.find(u"Profile_Two"_s));
}

void tst_ProfileLoader::longExtendsChain()
{
    // Each level extends the one before; every 100th names its own session. Each level gets
    // its nearest setting, whatever the depth (the resolver merges each level once, from its
    // parent's; it used to walk the whole chain again for every profile).
    constexpr int depth = 3000;
    QByteArray yaml = input("p0:\n  aws_access_key_id: $KEY\n  aws_secret_access_key: $SECRET\n"
                            "  role_arn: arn:aws:iam::123456789012:role/Deep\n");
    for (int level = 1; level < depth; ++level) {
        yaml += "p" + QByteArray::number(level) + ":\n  extends: p" + QByteArray::number(level - 1)
                + "\n";
        if (level % 100 == 0)
            yaml += "  role_session_name: s" + QByteArray::number(level) + "\n";
    }
    const ProfileSet set = parseImsaYaml(yaml, imsaName);
    QCOMPARE(strings(set.errors), QStringList());
    QCOMPARE(set.profiles.size(), depth);
    for (const int level : {1, 99, 100, 101, 2999}) {
        const Profile *profile = set.find(u"p%1"_s.arg(level));
        QVERIFY(profile);
        QCOMPARE(profile->keyProfile, u"p0"_s);
        QCOMPARE(profile->accessKeyId, QLatin1StringView(key));
        QCOMPARE(profile->roleArn, u"arn:aws:iam::123456789012:role/Deep"_s);
        if (level >= 100)
            QCOMPARE(profile->roleSessionName, u"s%1"_s.arg(level / 100 * 100));
    }
}

QTEST_GUILESS_MAIN(tst_ProfileLoader)
#include "tst_profileloader.moc"
