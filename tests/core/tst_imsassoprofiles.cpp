#include <QTest>

#include "imsa/profileloader.h"
#include "ssoprofiletext.h"

using namespace imsa;
using namespace Qt::StringLiterals;
using namespace ssoprofiletext;

// IAM Identity Center profiles in ~/.imsa (issue 14): the keys of ~/.aws/config, inherited
// through extends. Errors are compared as their full text: file:line:col, profile, key.

namespace {

const QString imsaName = u"/h/.imsa"_s;

} // namespace

class tst_ImsaSsoProfiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void imsaProfiles_data();
    void imsaProfiles();
    void imsaErrors_data();
    void imsaErrors();
};

void tst_ImsaSsoProfiles::imsaProfiles_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("everything in one profile; an unquoted account id keeps its leading zero")
            << QByteArray("dev:\n"
                          "  sso_start_url: https://corp.awsapps.com/start\n"
                          "  sso_region: eu-west-1\n"
                          "  sso_account_id: 012345678901\n"
                          "  sso_role_name: Developer\n")
            << QStringList{u"dev 1 dev - | - https://corp.awsapps.com/start eu-west-1 - "
                           "012345678901 Developer"_s};
    QTest::addRow("a sign-in base, extended by an account and role, then by a role")
            << QByteArray(".corp:\n"
                          "  sso_session: corp\n"
                          "  sso_start_url: https://corp.awsapps.com/start\n"
                          "  sso_region: eu-west-1\n"
                          "  sso_registration_scopes: [sso:account:access, codecatalyst:read]\n"
                          "dev:\n"
                          "  extends: .corp\n"
                          "  sso_account_id: '123456789012'\n"
                          "  sso_role_name: Developer\n"
                          "admin:\n"
                          "  extends: dev\n"
                          "  role_arn: arn:aws:iam::210987654321:role/Admin\n")
            << QStringList{u"admin 10 dev arn:aws:iam::210987654321:role/Admin | corp "
                           "https://corp.awsapps.com/start eu-west-1 "
                           "sso:account:access,codecatalyst:read 123456789012 Developer"_s,
                           u"dev 6 dev - | corp https://corp.awsapps.com/start eu-west-1 "
                           "sso:account:access,codecatalyst:read 123456789012 Developer"_s};
    QTest::addRow("scopes as a comma-separated string, an override of the role name")
            << QByteArray("dev:\n"
                          "  sso_start_url: https://corp.awsapps.com/start\n"
                          "  sso_region: eu-west-1\n"
                          "  sso_registration_scopes: 'sso:account:access, codecatalyst:read'\n"
                          "  sso_account_id: '123456789012'\n"
                          "  sso_role_name: Developer\n"
                          "ops:\n"
                          "  extends: dev\n"
                          "  sso_role_name: Operator\n")
            << QStringList{u"dev 1 dev - | - https://corp.awsapps.com/start eu-west-1 "
                           "sso:account:access,codecatalyst:read 123456789012 Developer"_s,
                           u"ops 7 ops - | - https://corp.awsapps.com/start eu-west-1 "
                           "sso:account:access,codecatalyst:read 123456789012 Operator"_s};
}

void tst_ImsaSsoProfiles::imsaProfiles()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QStringList, expected);

    const ProfileSet set = parseImsaYaml(yaml, imsaName);
    QCOMPARE(strings(set.errors), QStringList());
    QCOMPARE(strings(set.notices), QStringList());
    QCOMPARE(describeAll(set.profiles), expected);
    for (const Profile &profile : set.profiles) {
        QVERIFY(profile.usesSso());
        QCOMPARE(profile.source, ProfileSource::ImsaFile);
    }
}

void tst_ImsaSsoProfiles::imsaErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QStringList>("errors");
    QTest::addColumn<QStringList>("valid");

    const QString needs = u"not set in this profile or any profile it extends; an IAM Identity "
                          "Center profile needs sso_start_url, sso_region, sso_account_id and "
                          "sso_role_name"_s;
    QTest::addRow("sso_session does not stand for a start URL in ~/.imsa")
            << QByteArray("dev:\n"
                          "  sso_session: corp\n"
                          "  sso_region: eu-west-1\n"
                          "  sso_account_id: '123456789012'\n"
                          "  sso_role_name: Developer\n")
            << QStringList{u"/h/.imsa:1:1: profile 'dev', key 'sso_start_url': "_s + needs}
            << QStringList();
    QTest::addRow("sso_role_name missing, inheritance considered")
            << QByteArray(".corp:\n"
                          "  sso_start_url: https://corp.awsapps.com/start\n"
                          "  sso_region: eu-west-1\n"
                          "dev:\n"
                          "  extends: .corp\n"
                          "  sso_account_id: '123456789012'\n")
            << QStringList{u"/h/.imsa:4:1: profile 'dev', key 'sso_role_name': "_s + needs}
            << QStringList();
    QTest::addRow("a role on sign-in settings alone needs an account and role")
            << QByteArray(".corp:\n"
                          "  sso_start_url: https://corp.awsapps.com/start\n"
                          "  sso_region: eu-west-1\n"
                          "admin:\n"
                          "  extends: .corp\n"
                          "  role_arn: arn:aws:iam::210987654321:role/Admin\n")
            << QStringList{u"/h/.imsa:4:1: profile 'admin', key 'sso_account_id': "_s + needs}
            << QStringList();
    QTest::addRow("access keys inherited into an SSO profile")
            << QByteArray("base:\n"
                          "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
                          "dev:\n"
                          "  extends: base\n"
                          "  sso_start_url: https://corp.awsapps.com/start\n"
                          "  sso_region: eu-west-1\n"
                          "  sso_account_id: '123456789012'\n"
                          "  sso_role_name: Developer\n")
            << QStringList{u"/h/.imsa:2:22: profile 'dev', key 'aws_access_key_id': access keys "
                           "and IAM Identity Center settings (sso_account_id, sso_role_name) in "
                           "one profile; keep one of them"_s}
            << QStringList{u"base"_s};
    QTest::addRow("an account id that is not 12 digits, a bad start URL and region")
            << QByteArray("a:\n"
                          "  sso_account_id: 1234-5678-9012\n"
                          "b:\n"
                          "  sso_start_url: corp.awsapps.com/start\n"
                          "c:\n"
                          "  sso_region: EU\n")
            << QStringList{u"/h/.imsa:2:19: profile 'a', key 'sso_account_id': not an AWS account "
                           "id (12 digits)"_s,
                           u"/h/.imsa:4:18: profile 'b', key 'sso_start_url': must be an http:// "
                           "or https:// URL with a host"_s,
                           u"/h/.imsa:6:15: profile 'c', key 'sso_region': not an AWS region name "
                           "(like eu-west-1)"_s}
            << QStringList();
    QTest::addRow("a scope list holding a mapping")
            << QByteArray("dev:\n"
                          "  sso_registration_scopes:\n"
                          "    - sso:account:access\n"
                          "    - {a: b}\n")
            << QStringList{u"/h/.imsa:4:7: profile 'dev', key 'sso_registration_scopes': each "
                           "scope must be a string without commas"_s}
            << QStringList();
    QTest::addRow("a misspelt SSO key gets a suggestion")
            << QByteArray("dev:\n  sso_acount_id: '123456789012'\n")
            << QStringList{u"/h/.imsa:2:3: profile 'dev', key 'sso_acount_id': unknown key; did "
                           "you mean 'sso_account_id'?"_s}
            << QStringList();
}

void tst_ImsaSsoProfiles::imsaErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, valid);

    const ProfileSet set = parseImsaYaml(yaml, imsaName);
    QCOMPARE(strings(set.errors), errors);
    QCOMPARE(names(set.profiles), valid);
}

QTEST_GUILESS_MAIN(tst_ImsaSsoProfiles)
#include "tst_imsassoprofiles.moc"
