// ~/.imsa edited while the app runs: a valid change is picked up, a broken one is rejected
// with the error shown, and either way the running session stays (no new MFA code).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include "servingrig.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

QStringList profileNames(const E2eEnvironment &env)
{
    QStringList names;
    const QJsonDocument document =
            QJsonDocument::fromJson(env.imsa({u"profiles"_s, u"--json"_s}).out.toUtf8());
    const QJsonArray list = document.isArray() ? document.array()
                                               : document.object().value(u"profiles"_s).toArray();
    for (const auto &profile : list)
        names.append(profile.toObject().value(u"name").toString());
    return names;
}

QByteArray readConfig(const E2eEnvironment &env)
{
    QFile file(env.path(u"home/.imsa"_s));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class tst_ConfigReload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void editsWhileRunning();
};

void tst_ConfigReload::editsWhileRunning()
{
    ServingRig rig;
    QVERIFY2(rig.start(), qPrintable(rig.error()));
    E2eEnvironment &env = rig.environment();
    const QByteArray original = readConfig(env);
    QVERIFY(!original.isEmpty());
    QVERIFY(!profileNames(env).contains(u"staging"_s));

    env.writeFile(u"home/.imsa"_s,
                  original
                          + "\nstaging:\n  extends: base\n"
                            "  role_arn: arn:aws:iam::333333333333:role/Staging\n");
    QTRY_VERIFY_WITH_TIMEOUT(profileNames(env).contains(u"staging"_s), 10'000);
    QVERIFY(rig.status().value(u"config_errors").toArray().isEmpty());

    env.writeFile(u"home/.imsa"_s, original + "\nbroken: [unclosed\n");
    QTRY_VERIFY_WITH_TIMEOUT(!rig.status().value(u"config_errors").toArray().isEmpty(), 10'000);
    const QString shown = QString::fromUtf8(
            QJsonDocument(rig.status().value(u"config_errors").toArray()).toJson());
    QVERIFY2(shown.contains(u".imsa"_s), qPrintable(shown));
    const CommandResult profiles = env.imsa({u"profiles"_s});
    QVERIFY2(QString(profiles.out + profiles.err).contains(u".imsa"_s),
             qPrintable(profiles.out + profiles.err));
    // The last good configuration stays in force: staging is still there.
    QVERIFY(profileNames(env).contains(u"staging"_s));

    QCOMPARE(rig.fetchCredentials().status, 200);
    QCOMPARE(rig.status().value(u"profile").toString(), u"dev"_s);
    QCOMPARE(rig.stsCount(u"GetSessionToken"_s), 1);
}

QTEST_GUILESS_MAIN(tst_ConfigReload)
#include "tst_configreload.moc"
