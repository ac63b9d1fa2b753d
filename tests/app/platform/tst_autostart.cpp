#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "platform/autostart.h"

using namespace imsa::app;

// "Start at login" on Linux: an XDG autostart entry in $XDG_CONFIG_HOME/autostart.
class tst_Autostart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void writesAndRemovesTheEntry();
    void entryIsWhatDesktopsRead();
    void hiddenEntryCountsAsOff_data();
    void hiddenEntryCountsAsOff();
    void systemEntryIsSwitchedOffWithHidden();
    void relativeConfigHomeIsIgnored();
    void unwritableFolderIsReported();

private:
    std::unique_ptr<QTemporaryDir> m_config;
};

void tst_Autostart::init()
{
    m_config = std::make_unique<QTemporaryDir>();
    QVERIFY(m_config->isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config->path() + QStringLiteral("/user")));
    qputenv("XDG_CONFIG_DIRS", QFile::encodeName(m_config->path() + QStringLiteral("/system")));
}

void tst_Autostart::writesAndRemovesTheEntry()
{
    const QString entry = m_config->path() + QStringLiteral("/user/autostart/imsa.desktop");
    QCOMPARE(autostartLocation(), entry);
    QVERIFY(!isAutostartEnabled());

    QVERIFY(setAutostartEnabled(true).ok());
    QVERIFY(QFile::exists(entry));
    QVERIFY(isAutostartEnabled());
    QVERIFY(setAutostartEnabled(true).ok()); // already on

    QVERIFY(setAutostartEnabled(false).ok());
    QVERIFY(!QFile::exists(entry));
    QVERIFY(!isAutostartEnabled());
    QVERIFY(setAutostartEnabled(false).ok()); // already off
}

void tst_Autostart::entryIsWhatDesktopsRead()
{
    QVERIFY(setAutostartEnabled(true).ok());
    QFile file(autostartLocation());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.first(), QByteArray("[Desktop Entry]"));
    QVERIFY(lines.contains("Type=Application"));
    QVERIFY(lines.contains("Exec=imsa start"));
    QVERIFY(lines.contains("Name=imsa"));
    QVERIFY(lines.contains("Icon=imsa"));
    QVERIFY(!lines.contains("Hidden=true"));
}

void tst_Autostart::hiddenEntryCountsAsOff_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("enabled");
    QTest::addRow("an entry the user switched off in the desktop settings")
            << QByteArray("[Desktop Entry]\nType=Application\nExec=imsa start\nHidden=true\n")
            << false;
    QTest::addRow("an entry without Hidden")
            << QByteArray("[Desktop Entry]\nType=Application\nExec=imsa start\n") << true;
}

void tst_Autostart::hiddenEntryCountsAsOff()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, enabled);
    QVERIFY(QDir().mkpath(m_config->path() + QStringLiteral("/user/autostart")));
    QFile file(autostartLocation());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    QCOMPARE(isAutostartEnabled(), enabled);
}

void tst_Autostart::systemEntryIsSwitchedOffWithHidden()
{
    // The package's /etc/xdg/autostart/imsa.desktop starts imsa for everyone; a user opts out
    // with an entry of the same name that says Hidden=true (XDG Autostart spec).
    const QString system = m_config->path() + QStringLiteral("/system/autostart");
    QVERIFY(QDir().mkpath(system));
    QFile shared(system + QStringLiteral("/imsa.desktop"));
    QVERIFY(shared.open(QIODevice::WriteOnly));
    shared.write("[Desktop Entry]\nType=Application\nExec=imsa start\n");
    shared.close();
    QVERIFY(isAutostartEnabled());

    QVERIFY(setAutostartEnabled(false).ok());
    QVERIFY(!isAutostartEnabled());
    QFile own(autostartLocation());
    QVERIFY(own.open(QIODevice::ReadOnly));
    QVERIFY(own.readAll().split('\n').contains("Hidden=true"));
    own.close();

    QVERIFY(setAutostartEnabled(true).ok());
    QVERIFY(isAutostartEnabled());
    QVERIFY(own.open(QIODevice::ReadOnly));
    QVERIFY(!own.readAll().contains("Hidden"));
}

void tst_Autostart::relativeConfigHomeIsIgnored()
{
    qputenv("XDG_CONFIG_HOME", "relative/config");
    QCOMPARE(autostartLocation(),
             QDir::homePath() + QStringLiteral("/.config/autostart/imsa.desktop"));
}

void tst_Autostart::unwritableFolderIsReported()
{
    // A file where the folder should be stops root as well as anyone else.
    QVERIFY(QDir().mkpath(m_config->path() + QStringLiteral("/user")));
    QFile blocker(m_config->path() + QStringLiteral("/user/autostart"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const auto result = setAutostartEnabled(true);
    QVERIFY(!result.ok());
    QVERIFY(result.error().message.contains(autostartLocation()));
    QVERIFY(!isAutostartEnabled());
}

QTEST_GUILESS_MAIN(tst_Autostart)
#include "tst_autostart.moc"
