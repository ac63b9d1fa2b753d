#include <QTest>

#include "imsa/profileloader.h"
#include "ssoprofiletext.h"

using namespace imsa;
using namespace Qt::StringLiterals;
using namespace ssoprofiletext;

// IAM Identity Center profiles in ~/.aws/config, as botocore's SSOProvider reads them (issue
// 14); ~/.imsa's are in tst_imsassoprofiles. Errors are compared as their full text:
// file:line:col, profile, key.

namespace {

const QString configName = u"/h/.aws/config"_s;
const QString credentialsName = u"/h/.aws/credentials"_s;

const QByteArray corpSession = "[sso-session corp]\n"
                               "sso_start_url = https://corp.awsapps.com/start\n"
                               "sso_region = eu-west-1\n";

/// A profile of session corp, and one of the legacy form.
const QByteArray devAndOldProfiles = "[profile dev]\n"
                                     "sso_session = corp\n"
                                     "sso_account_id = 123456789012\n"
                                     "sso_role_name = Developer\n"
                                     "[profile old]\n"
                                     "sso_start_url = https://old.awsapps.com/start\n"
                                     "sso_region = us-east-2\n"
                                     "sso_account_id = 123456789012\n"
                                     "sso_role_name = Developer\n";

} // namespace

class tst_SsoProfiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void awsProfiles_data();
    void awsProfiles();
    void awsErrors_data();
    void awsErrors();
    void usesSsoAndTokenCacheKey();
    void signInsWithoutProfiles();
    void imsaNameHidesSsoSource();
};

void tst_SsoProfiles::initTestCase()
{
    qputenv("USER", "jane.doe");
}

void tst_SsoProfiles::awsProfiles_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("an sso-session with scopes and a profile naming it")
            << QByteArray(corpSession
                          + "sso_registration_scopes = sso:account:access, codecatalyst:read\n"
                            "[profile dev]\n"
                            "sso_session = corp\n"
                            "sso_account_id = 012345678901\n"
                            "sso_role_name = Developer\n"
                            "region = us-east-1\n")
            << QByteArray()
            << QStringList{u"dev 5 dev - | corp https://corp.awsapps.com/start eu-west-1 "
                           "sso:account:access,codecatalyst:read 012345678901 Developer"_s};
    QTest::addRow("the legacy form: sign-in settings in the profile, no session name")
            << QByteArray("[default]\n"
                          "sso_start_url = https://legacy.awsapps.com/start\n"
                          "sso_region = us-east-2\n"
                          "sso_account_id = 123456789012\n"
                          "sso_role_name = ReadOnly\n")
            << QByteArray()
            << QStringList{u"default 1 default - | - https://legacy.awsapps.com/start us-east-2 - "
                           "123456789012 ReadOnly"_s};
    QTest::addRow("a profile repeating its session's values, a quoted session name")
            << QByteArray("[sso-session \"my corp\"]\n"
                          "sso_start_url = https://corp.awsapps.com/start\n"
                          "sso_region = eu-west-1\n"
                          "[profile dev]\n"
                          "sso_session = my corp\n"
                          "sso_start_url = https://corp.awsapps.com/start\n"
                          "sso_region = eu-west-1\n"
                          "sso_account_id = 123456789012\n"
                          "sso_role_name = Developer\n")
            << QByteArray()
            << QStringList{u"dev 4 dev - | my corp https://corp.awsapps.com/start eu-west-1 - "
                           "123456789012 Developer"_s};
    QTest::addRow("a role on an sso-session profile signs with its role credentials")
            << QByteArray(corpSession
                          + "[profile dev]\n"
                            "sso_session = corp\n"
                            "sso_account_id = 123456789012\n"
                            "sso_role_name = Developer\n"
                            "[profile admin]\n"
                            "role_arn = arn:aws:iam::210987654321:role/Admin\n"
                            "source_profile = dev\n")
            << QByteArray()
            << QStringList{u"admin 8 dev arn:aws:iam::210987654321:role/Admin | corp "
                           "https://corp.awsapps.com/start eu-west-1 - 123456789012 Developer"_s,
                           u"dev 4 dev - | corp https://corp.awsapps.com/start eu-west-1 - "
                           "123456789012 Developer"_s};
    QTest::addRow("a role on a legacy profile")
            << QByteArray("[profile legacy]\n"
                          "sso_start_url = https://legacy.awsapps.com/start\n"
                          "sso_region = us-east-2\n"
                          "sso_account_id = 123456789012\n"
                          "sso_role_name = ReadOnly\n"
                          "[profile audit]\n"
                          "role_arn = arn:aws:iam::210987654321:role/Audit\n"
                          "source_profile = legacy\n")
            << QByteArray()
            << QStringList{u"audit 6 legacy arn:aws:iam::210987654321:role/Audit | - "
                           "https://legacy.awsapps.com/start us-east-2 - 123456789012 ReadOnly"_s,
                           u"legacy 1 legacy - | - https://legacy.awsapps.com/start us-east-2 - "
                           "123456789012 ReadOnly"_s};
    QTest::addRow("a token-only profile, and a role on it, are not imsa's")
            << QByteArray(corpSession
                          + "[profile token]\n"
                            "sso_session = corp\n"
                            "[profile on-token]\n"
                            "role_arn = arn:aws:iam::210987654321:role/Admin\n"
                            "source_profile = token\n")
            << QByteArray() << QStringList();
    QTest::addRow("credential_process still makes a profile not imsa's")
            << QByteArray(corpSession
                          + "[profile dev]\n"
                            "sso_session = corp\n"
                            "sso_account_id = 123456789012\n"
                            "sso_role_name = Developer\n"
                            "credential_process = imsa export dev\n")
            << QByteArray() << QStringList();
    QTest::addRow("an sso-session section in the credentials file is no session")
            << QByteArray() << QByteArray(corpSession) << QStringList();
}

void tst_SsoProfiles::awsProfiles()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    QFETCH(QStringList, expected);

    const ProfileSet set = parseAwsConfig(config, configName, credentials, credentialsName);
    QCOMPARE(strings(set.errors), QStringList());
    QCOMPARE(strings(set.notices), QStringList());
    QCOMPARE(describeAll(set.profiles), expected);
    for (const Profile &profile : set.profiles) {
        QVERIFY(profile.usesSso());
        QVERIFY(profile.accessKeyId.isEmpty());
        QCOMPARE(profile.source, ProfileSource::AwsConfig);
    }
}

void tst_SsoProfiles::awsErrors_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    QTest::addColumn<QStringList>("errors");
    QTest::addColumn<QStringList>("valid");

    const QString needs = u"; an IAM Identity Center profile needs sso_start_url, sso_region, "
                          "sso_account_id and sso_role_name"_s;
    const QByteArray dev = "[profile dev]\n"
                           "sso_session = corp\n"
                           "sso_account_id = 123456789012\n"
                           "sso_role_name = Developer\n";

    QTest::addRow("sso_role_name missing")
            << QByteArray(corpSession
                          + "[profile dev]\n"
                            "sso_session = corp\n"
                            "sso_account_id = 123456789012\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:4:1: profile 'dev', key 'sso_role_name': not set in "
                           "this profile"_s
                           + needs}
            << QStringList();
    QTest::addRow("sso_account_id missing")
            << QByteArray(corpSession
                          + "[profile dev]\n"
                            "sso_session = corp\n"
                            "sso_role_name = Developer\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:4:1: profile 'dev', key 'sso_account_id': not set in "
                           "this profile"_s
                           + needs}
            << QStringList();
    QTest::addRow("sso_region missing in the legacy form")
            << QByteArray("[profile old]\n"
                          "sso_start_url = https://legacy.awsapps.com/start\n"
                          "sso_account_id = 123456789012\n"
                          "sso_role_name = ReadOnly\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:1:1: profile 'old', key 'sso_region': not set in this "
                           "profile"_s
                           + needs}
            << QStringList();
    QTest::addRow("sso_session naming no section, with a suggestion")
            << QByteArray(corpSession
                          + "[profile dev]\n"
                            "sso_session = Corp\n"
                            "sso_account_id = 123456789012\n"
                            "sso_role_name = Developer\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:5:15: profile 'dev', key 'sso_session': names no "
                           "[sso-session Corp] section; did you mean 'corp'?"_s}
            << QStringList();
    QTest::addRow("an sso-session without sso_start_url")
            << QByteArray("[sso-session corp]\n"
                          "sso_region = eu-west-1\n"
                          + dev)
            << QByteArray()
            << QStringList{u"/h/.aws/config:1:1: profile 'dev', key 'sso_start_url': not set in "
                           "[sso-session corp], which this profile's sso_session names"_s}
            << QStringList();
    QTest::addRow("an sso-session without sso_region")
            << QByteArray("[sso-session corp]\n"
                          "sso_start_url = https://corp.awsapps.com/start\n"
                          + dev)
            << QByteArray()
            << QStringList{u"/h/.aws/config:1:1: profile 'dev', key 'sso_region': not set in "
                           "[sso-session corp], which this profile's sso_session names"_s}
            << QStringList();
    QTest::addRow("a profile's start URL differing from its session's")
            << QByteArray(corpSession + dev + "sso_start_url = https://other.awsapps.com/start\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:8:17: profile 'dev', key 'sso_start_url': differs "
                           "from the one in [sso-session corp] (line 2), which sso_session names"_s}
            << QStringList();
    QTest::addRow("a profile's region differing from its session's")
            << QByteArray(corpSession + dev + "sso_region = eu-west-2\n") << QByteArray()
            << QStringList{u"/h/.aws/config:8:14: profile 'dev', key 'sso_region': differs "
                           "from the one in [sso-session corp] (line 3), which sso_session names"_s}
            << QStringList();
    QTest::addRow("access keys and SSO in one profile")
            << QByteArray(corpSession + dev + "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:8:21: profile 'dev', key 'aws_access_key_id': access "
                           "keys and IAM Identity Center settings (sso_account_id, sso_role_name) "
                           "in one profile; keep one of them"_s}
            << QStringList();
    QTest::addRow("access keys in the credentials file for an SSO profile")
            << QByteArray(corpSession + dev)
            << QByteArray("[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
            << QStringList{u"/h/.aws/credentials:2:21: profile 'dev', key 'aws_access_key_id': "
                           "access keys and IAM Identity Center settings (sso_account_id, "
                           "sso_role_name) in one profile; keep one of them"_s}
            << QStringList();
    QTest::addRow("an account id that is not 12 digits")
            << QByteArray(corpSession
                          + "[profile dev]\n"
                            "sso_session = corp\n"
                            "sso_account_id = 12345678901\n"
                            "sso_role_name = Developer\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:6:18: profile 'dev', key 'sso_account_id': not an AWS "
                           "account id (12 digits)"_s}
            << QStringList();
    QTest::addRow("a legacy start URL that is not http(s)")
            << QByteArray("[profile old]\n"
                          "sso_start_url = ftp://legacy.example.com/start\n"
                          "sso_region = us-east-2\n"
                          "sso_account_id = 123456789012\n"
                          "sso_role_name = ReadOnly\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:2:17: profile 'old', key 'sso_start_url': must be an "
                           "http:// or https:// URL with a host"_s}
            << QStringList();
    QTest::addRow("a session's bad region, reported for the profile using it")
            << QByteArray("[sso-session corp]\n"
                          "sso_start_url = https://corp.awsapps.com/start\n"
                          "sso_region = Ireland\n"
                          + dev)
            << QByteArray()
            << QStringList{u"/h/.aws/config:3:14: profile 'dev', key 'sso_region': not an AWS "
                           "region name (like eu-west-1) (in [sso-session corp])"_s}
            << QStringList();
    QTest::addRow("an sso-session defined twice")
            << QByteArray(corpSession + corpSession + dev) << QByteArray()
            << QStringList{u"/h/.aws/config:4:1: profile 'dev': sso-session defined twice (first "
                           "on line 1) (in [sso-session corp])"_s}
            << QStringList();
    QTest::addRow("a role on a broken SSO profile fails with it, at the same place")
            << QByteArray(corpSession
                          + "[profile dev]\n"
                            "sso_session = corp\n"
                            "sso_account_id = 123456789012\n"
                            "[profile admin]\n"
                            "role_arn = arn:aws:iam::210987654321:role/Admin\n"
                            "source_profile = dev\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:4:1: profile 'dev', key 'sso_role_name': not set in "
                           "this profile"_s
                                   + needs,
                           u"/h/.aws/config:4:1: profile 'admin', key 'sso_role_name': not set in "
                           "this profile"_s
                                   + needs + u" (inherited from 'dev')"_s}
            << QStringList();
    QTest::addRow("two role hops down to an SSO profile: one role per profile, as for keys")
            << QByteArray(corpSession + dev
                          + "[profile admin]\n"
                            "role_arn = arn:aws:iam::210987654321:role/Admin\n"
                            "source_profile = dev\n"
                            "[profile deeper]\n"
                            "role_arn = arn:aws:iam::210987654321:role/Deeper\n"
                            "source_profile = admin\n")
            << QByteArray()
            << QStringList{u"/h/.aws/config:13:18: profile 'deeper', key 'source_profile': profile "
                           "'admin' assumes a role itself; imsa assumes one role per profile (no "
                           "role chaining)"_s}
            << QStringList{u"admin"_s, u"dev"_s};
}

void tst_SsoProfiles::awsErrors()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, valid);

    const ProfileSet set = parseAwsConfig(config, configName, credentials, credentialsName);
    QCOMPARE(strings(set.errors), errors);
    QCOMPARE(names(set.profiles), valid);
}

void tst_SsoProfiles::usesSsoAndTokenCacheKey()
{
    const ProfileSet set =
            parseAwsConfig(corpSession + devAndOldProfiles, configName, {}, credentialsName);
    QCOMPARE(strings(set.errors), QStringList());
    QCOMPARE(set.profiles.size(), 2);
    // The AWS CLI's cache key: the session name, or the start URL for the legacy form.
    QCOMPARE(set.find(u"dev"_s)->sso.tokenCacheKey(), u"corp"_s);
    QCOMPARE(set.find(u"old"_s)->sso.tokenCacheKey(), u"https://old.awsapps.com/start"_s);
}

void tst_SsoProfiles::signInsWithoutProfiles()
{
    // A user with only a start URL writes a session and no profile: it is a sign-in all the
    // same. A broken session is none; one used by a profile and the legacy form count once.
    const ProfileSet set =
            parseAwsConfig(corpSession
                                   + "[sso-session lab]\n"
                                     "sso_start_url = https://lab.awsapps.com/start\n"
                                     "sso_region = us-east-1\n"
                                     "sso_registration_scopes = sso:account:access\n"
                                     "[sso-session broken]\n"
                                     "sso_region = us-east-1\n"
                                   + devAndOldProfiles,
                           configName, {}, credentialsName);
    QCOMPARE(strings(set.errors), QStringList());
    QCOMPARE(set.ssoSessions.size(), 2);
    const QList<SsoSettings> signIns = set.ssoSignIns();
    QStringList keys;
    for (const SsoSettings &signIn : signIns) {
        keys.append(signIn.tokenCacheKey());
        QVERIFY(signIn.accountId.isEmpty());
        QVERIFY(signIn.roleName.isEmpty());
    }
    QCOMPARE(keys, (QStringList{u"corp"_s, u"lab"_s, u"https://old.awsapps.com/start"_s}));
    QCOMPARE(signIns.at(1).startUrl, u"https://lab.awsapps.com/start"_s);
    QCOMPARE(signIns.at(1).region, u"us-east-1"_s);
    QCOMPARE(signIns.at(1).registrationScopes, QStringList{u"sso:account:access"_s});
    QCOMPARE(signIns.at(2).region, u"us-east-2"_s);
}

void tst_SsoProfiles::imsaNameHidesSsoSource()
{
    // As for keys: a role whose SSO source profile is hidden by ~/.imsa goes with it, or it
    // would share the hidden profile's name as its keyProfile.
    const ProfileSet aws = parseAwsConfig(corpSession
                                                  + "[profile dev]\n"
                                                    "sso_session = corp\n"
                                                    "sso_account_id = 123456789012\n"
                                                    "sso_role_name = Developer\n"
                                                    "[profile admin]\n"
                                                    "role_arn = arn:aws:iam::210987654321:role/A\n"
                                                    "source_profile = dev\n",
                                          configName, {}, credentialsName);
    ProfileSet set;
    detail::addAwsProfiles(set, aws, {u"dev"_s}, u"/h/.imsa"_s);
    QCOMPARE(names(set.profiles), QStringList());
    QCOMPARE(strings(set.notices),
             (QStringList{u"/h/.aws/config:8:1: profile 'admin': uses the keys of profile 'dev', "
                          "which is hidden by the profile of the same name in /h/.imsa; skipped"_s,
                          u"/h/.aws/config:4:1: profile 'dev': hidden by the profile of the same "
                          "name in /h/.imsa"_s}));
}

QTEST_GUILESS_MAIN(tst_SsoProfiles)
#include "tst_ssoprofiles.moc"
