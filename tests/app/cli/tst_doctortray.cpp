#include <QTest>

#include "cli/doctorchecks.h"

using namespace Qt::StringLiterals;
using namespace imsa::cli;

// The doctor's tray line (doctortray.cpp): which tray host is there, which is missing and what
// to install, from injected probes of the session. tray_host_check runs it against real hosts.
using Probe = std::optional<TrayHostProbe>;

class tst_DoctorTray : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkTrayHost_data();
    void checkTrayHost();
};

void tst_DoctorTray::checkTrayHost_data()
{
    QTest::addColumn<Probe>("probe");
    QTest::addColumn<CheckStatus>("status");
    QTest::addColumn<QString>("found");
    QTest::addColumn<QStringList>("fix");

    const QStringList sniHosts{u"gnome-shell-extension-appindicator"_s, u"xfce4-panel"_s,
                               u"System Tray"_s, u"waybar"_s};
    QTest::addRow("no graphical session")
            << Probe() << CheckStatus::Skip << u"no graphical session"_s << QStringList();
    QTest::addRow("session not asked")
            << Probe(TrayHostProbe{u"could not connect to display"_s, false, std::nullopt})
            << CheckStatus::Warn << u"cannot ask the session"_s
            << QStringList{u"desktop session"_s};
    QTest::addRow("StatusNotifierItem host")
            << Probe(TrayHostProbe{{}, true, std::nullopt}) << CheckStatus::Ok
            << u"StatusNotifierItem host"_s << QStringList();
    QTest::addRow("XEmbed tray") << Probe(TrayHostProbe{{}, false, true}) << CheckStatus::Ok
                                 << u"XEmbed tray"_s << QStringList();
    QTest::addRow("X11 without either")
            << Probe(TrayHostProbe{{}, false, false}) << CheckStatus::Warn
            << u"no StatusNotifierItem host (org.kde.StatusNotifierWatcher with a host "
               "registered) and no XEmbed tray"_s
            << sniHosts + QStringList{u"trayer"_s};
    QTest::addRow("Wayland without a StatusNotifierItem host")
            << Probe(TrayHostProbe{{}, false, std::nullopt}) << CheckStatus::Warn
            << u"the only kind Wayland has"_s << sniHosts;
}

void tst_DoctorTray::checkTrayHost()
{
    QFETCH(Probe, probe);
    QFETCH(CheckStatus, status);
    QFETCH(QString, found);
    QFETCH(QStringList, fix);
    const CheckResult result = imsa::cli::checkTrayHost(probe);
    QCOMPARE(int(result.status), int(status));
    QCOMPARE(result.name, u"tray"_s);
    QVERIFY2(result.found.contains(found), qPrintable(result.found));
    for (const QString &part : std::as_const(fix))
        QVERIFY2(result.fix.contains(part), qPrintable(result.fix));
    if (status == CheckStatus::Warn)
        QVERIFY2(!result.fix.isEmpty(), "every problem comes with a fix");
    // Wayland has no XEmbed: trayer would not help there.
    if (probe && !probe->xembedTray)
        QVERIFY2(!result.fix.contains(u"trayer"_s), qPrintable(result.fix));
}

QTEST_GUILESS_MAIN(tst_DoctorTray)
#include "tst_doctortray.moc"
