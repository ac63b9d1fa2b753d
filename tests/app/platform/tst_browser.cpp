#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "platform/browser.h"

using namespace imsa::app;
using namespace Qt::StringLiterals;

class tst_Browser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void command_data();
    void command();
    void pageCannotBeBrokenOutOf();
    void pageIsPrivateAndGoesWithItsContext();
    void browserThatCannotStartIsReported();
};

void tst_Browser::command_data()
{
    QTest::addColumn<QString>("browser");
    QTest::addColumn<QStringList>("expected");

    const QString target = u"file:///run/user/1000/imsa/console-1.html"_s;
    QTest::addRow("unset: xdg-open") << QString() << QStringList{u"xdg-open"_s, target};
    QTest::addRow("a program: the target appended")
            << u"firefox"_s << QStringList{u"firefox"_s, target};
    QTest::addRow("only the first of a list")
            << u"firefox:chromium:lynx"_s << QStringList{u"firefox"_s, target};
    QTest::addRow("%%s replaced, words split without a shell")
            << u"firefox --new-window %s; rm -rf ~"_s
            << QStringList{u"firefox"_s, u"--new-window"_s, target + u";"_s,
                           u"rm"_s,      u"-rf"_s,          u"~"_s};
    QTest::addRow("quoted words") << u"\"/opt/my browser/run\" --url=%s"_s
                                  << QStringList{u"/opt/my browser/run"_s, u"--url="_s + target};
    QTest::addRow("an empty first entry: xdg-open")
            << u":firefox"_s << QStringList{u"xdg-open"_s, target};
}

void tst_Browser::command()
{
    QFETCH(QString, browser);
    QFETCH(QStringList, expected);
    QCOMPARE(browserCommand(browser, u"file:///run/user/1000/imsa/console-1.html"_s), expected);
}

void tst_Browser::pageCannotBeBrokenOutOf()
{
    const QUrl url(u"https://signin.aws.amazon.com/federation?Action=login&SigninToken=a%22b"_s);
    const QString page = QString::fromUtf8(redirectPage(url));
    QVERIFY(page.contains(
            u"content=\"0;url=https://signin.aws.amazon.com/federation?Action=login&amp;SigninToken=a%22b\""_s));
    QVERIFY(page.contains(
            u"location.replace(\"https://signin.aws.amazon.com/federation?Action=login&SigninToken=a%22b\")"_s));

    // Whatever a URL holds cannot end the attribute or the script.
    const QString hostile = QString::fromUtf8(redirectPage(
            QUrl::fromEncoded("https://x.example/?a=\"</script><b>'\\", QUrl::TolerantMode)));
    QVERIFY2(!hostile.contains(u"</script><b>"_s), qPrintable(hostile));
    QCOMPARE(hostile.count(u"</script>"_s), 1);
    QCOMPARE(hostile.count(u'"'), page.count(u'"'));
}

void tst_Browser::pageIsPrivateAndGoesWithItsContext()
{
    QTemporaryDir dir;
    const QString record = dir.filePath(u"argument"_s);
    QFile script(dir.filePath(u"browser.sh"_s));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\nprintf '%s' \"$1\" > \"" + QFile::encodeName(record)
                 + ".tmp\" && mv \"" + QFile::encodeName(record) + ".tmp\" \""
                 + QFile::encodeName(record) + "\"\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"BROWSER"_s, script.fileName());

    const mode_t previous = ::umask(0); // the page must not depend on the caller's umask
    auto context = std::make_unique<QObject>();
    const QUrl url(u"https://signin.aws.amazon.com/federation?Action=login&SigninToken=secret"_s);
    const auto opened = openInBrowser(url, dir.path(), environment, context.get());
    ::umask(previous);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));

    QTRY_VERIFY(QFile::exists(record));
    QFile argument(record);
    QVERIFY(argument.open(QIODevice::ReadOnly));
    const QUrl pageUrl(QString::fromUtf8(argument.readAll()));
    QVERIFY(pageUrl.isLocalFile());
    const QString page = pageUrl.toLocalFile();
    QVERIFY(!pageUrl.toString().contains(u"secret"_s));

    struct stat info
    { };

    QCOMPARE(::stat(QFile::encodeName(page).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, mode_t(0600));
    QFile html(page);
    QVERIFY(html.open(QIODevice::ReadOnly));
    QVERIFY(html.readAll().contains("SigninToken=secret"));

    context.reset();
    QVERIFY(!QFile::exists(page));
}

void tst_Browser::browserThatCannotStartIsReported()
{
    QTemporaryDir dir;
    QProcessEnvironment environment;
    environment.insert(u"BROWSER"_s, dir.filePath(u"no-such-browser"_s));
    QObject context;
    const auto opened =
            openInBrowser(QUrl(u"https://signin.aws.amazon.com/federation?SigninToken=secret"_s),
                          dir.path(), environment, &context);
    QVERIFY(!opened);
    QVERIFY2(opened.error().message.contains(u"imsa console --print"_s),
             qPrintable(opened.error().message));
    QVERIFY(!opened.error().message.contains(u"secret"_s));
    // No page left behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList());
}

QTEST_GUILESS_MAIN(tst_Browser)
#include "tst_browser.moc"
