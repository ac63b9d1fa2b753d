// ~/.imsa edited while the app runs: a valid change is picked up, a broken one is rejected
// with the error shown, and either way the running session stays (no new MFA code).
#include <algorithm>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include "imsa/profileloader.h"
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

/// Nearly 1 MiB (the cap) that takes long to read, for a valid reason: every profile has an
/// unknown key, so each gets its own "did you mean". At its end merge keys spend the file's
/// merge budget, a file-level error: the reload is rejected and the session stays.
QByteArray slowRejectedConfig(const QByteArray &original)
{
    QByteArray keys;
    for (int i = 0; i < 20; ++i)
        keys += (i ? ", k" : "k") + QByteArray::number(i) + ": x";
    QByteArray bomb = "a: &a {" + keys + "}\n";
    bomb += "b: &b {<<: [*a" + QByteArray(", *a").repeated(7) + "]}\n";
    bomb += "c: &c {<<: [*b" + QByteArray(", *b").repeated(6) + "]}\n";
    for (int i = 0; i < 10; ++i)
        bomb += "p" + QByteArray::number(i) + ": {<<: *c}\n";

    QByteArray text = original + '\n';
    const qsizetype room = qsizetype(imsa::detail::maxConfigFileSize) - bomb.size() - 64;
    for (int i = 0; text.size() < room - 32; ++i)
        text += "slow" + QByteArray::number(i) + ": {colour: blue}\n";
    return text + bomb;
}

QByteArray readLog(const E2eEnvironment &env)
{
    QFile file(env.path(u"state/imsa/imsa.log"_s));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class tst_ConfigReload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void editsWhileRunning();
    void slowReloadDoesNotDelayMetadata();
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

void tst_ConfigReload::slowReloadDoesNotDelayMetadata()
{
    ServingRig rig;
    QVERIFY2(rig.start(), qPrintable(rig.error()));
    E2eEnvironment &env = rig.environment();
    const QByteArray slow = slowRejectedConfig(readConfig(env));

    // How long reading the file takes on this machine now, and how long a metadata answer.
    QElapsedTimer timer;
    timer.start();
    const imsa::ProfileSet parsed = imsa::parseImsaYaml(slow, u"slow.imsa"_s);
    const qint64 parseMs = timer.elapsed();
    QCOMPARE(parsed.errors.size(), 1);
    QVERIFY2(parsed.errors.first().message.startsWith(u"merge keys bring in more than"_s),
             qPrintable(parsed.errors.first().toString()));
    qint64 usualMs = 0;
    for (int i = 0; i < 5; ++i) {
        timer.restart();
        QCOMPARE(rig.fetchCredentials().status, 200);
        usualMs = std::max(usualMs, timer.elapsed());
    }
    qInfo("parsing the slow file takes %lld ms here; a metadata answer up to %lld ms", parseMs,
          usualMs);
    QVERIFY2(parseMs > 4 * usualMs, "the file is not slow enough to tell a blocked answer");

    // Back-to-back requests while the app notices, reads and rejects the file: one of them is
    // in flight whenever the app's event loop would be busy reading. The log is read directly,
    // without asking the app, to know when the reload is over.
    env.writeFile(u"home/.imsa"_s, slow);
    QElapsedTimer sinceWrite;
    sinceWrite.start();
    qint64 slowestMs = 0;
    bool rejected = false;
    while (!rejected && sinceWrite.elapsed() < 4 * parseMs + 10'000) {
        timer.restart();
        const ServedCredentials served = rig.fetchCredentials(int(4 * parseMs + 5'000));
        slowestMs = std::max(slowestMs, timer.elapsed());
        QCOMPARE(served.status, 200);
        rejected = readLog(env).contains("configuration change rejected");
    }
    qInfo("slowest metadata answer during the reload: %lld ms", slowestMs);
    QVERIFY2(slowestMs < parseMs / 2,
             qPrintable(u"a metadata answer took %1 ms while the file (%2 ms to read) was "
                        "reloaded"_s.arg(slowestMs)
                                .arg(parseMs)));
    QVERIFY2(rejected, "the slow file was never rejected");
    const QString shown = QString::fromUtf8(
            QJsonDocument(rig.status().value(u"config_errors").toArray()).toJson());
    QVERIFY2(shown.contains(u"merge keys bring in more than"_s), qPrintable(shown));
    QCOMPARE(rig.status().value(u"profile").toString(), u"dev"_s);
}

QTEST_GUILESS_MAIN(tst_ConfigReload)
#include "tst_configreload.moc"
