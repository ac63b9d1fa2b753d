#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/brokerrig.h"
#include "fakes/standinhttp.h"
#include "service/consoleopener.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// The tray's way to the console: ConsoleOpener against a broker with a fake STS, a local
// federation endpoint and a browser stand-in (BROWSER, a script that records its argument).
class tst_ConsoleOpener : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void opensTheBrowserAfterTheMfaCode();
    void profileWithoutRoleFailsWithWhatToDo();
    void refusedSigninFails();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<StandInHttpServer> m_federation;
    int m_status = 200;
    QList<QByteArray> m_queries;
    QProcessEnvironment m_environment;
};

void tst_ConsoleOpener::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_status = 200;
    m_queries.clear();
    m_federation = std::make_unique<StandInHttpServer>([this](const StandInRequest &request) {
        m_queries.append(request.query());
        return StandInResponse{m_status,
                               {{"Content-Type", "application/json"}},
                               m_status == 200 ? "{\"SigninToken\":\"token-from-aws\"}" : ""};
    });
    QVERIFY(m_federation->listen(QHostAddress(QHostAddress::LocalHost), 0));

    const QString record = m_dir->filePath(u"argument"_s);
    QFile script(m_dir->filePath(u"browser.sh"_s));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\nprintf '%s' \"$1\" > \"" + QFile::encodeName(record)
                 + ".tmp\" && mv \"" + QFile::encodeName(record) + ".tmp\" \""
                 + QFile::encodeName(record) + "\"\n");
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    m_environment = QProcessEnvironment();
    m_environment.insert(u"BROWSER"_s, script.fileName());
    m_environment.insert(u"IMSA_SIGNIN_URL"_s,
                         u"http://127.0.0.1:%1/federation"_s.arg(m_federation->port()));
}

void tst_ConsoleOpener::opensTheBrowserAfterTheMfaCode()
{
    BrokerRig rig;
    const Profile base = baseProfile();
    rig.broker->setProfiles({base, roleProfile(base, u"prod"_s, u"Admin"_s)});
    QNetworkAccessManager network;
    ConsoleOpener opener(*rig.broker, network, m_dir->path());
    opener.setEnvironment(m_environment);
    QSignalSpy opened(&opener, &ConsoleOpener::opened);
    QSignalSpy failed(&opener, &ConsoleOpener::failed);
    QSignalSpy mfa(rig.broker.get(), &CredentialBroker::mfaRequired);

    opener.open(u"prod"_s);
    QCOMPARE(opened.size() + failed.size(), 0); // never inside open()
    QVERIFY(rig.settle());
    QCOMPARE(mfa.size(), 1); // the tray's dialog asks for it
    rig.broker->submitMfaCode(u"prod"_s, validCode);
    QVERIFY(rig.settle());
    QTRY_COMPARE(opened.size() + failed.size(), 1);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
    QCOMPARE(opened.first().first().toString(), u"prod"_s);
    QCOMPARE(m_queries.size(), 1);
    QVERIFY(m_queries.first().startsWith("Action=getSigninToken&SessionDuration=3600&Session="));

    // The browser got a page, and the page the login URL with AWS's token.
    QTRY_VERIFY(QFile::exists(m_dir->filePath(u"argument"_s)));
    QFile argument(m_dir->filePath(u"argument"_s));
    QVERIFY(argument.open(QIODevice::ReadOnly));
    const QString page = QUrl(QString::fromUtf8(argument.readAll())).toLocalFile();
    QFile html(page);
    QVERIFY(html.open(QIODevice::ReadOnly));
    QVERIFY(html.readAll().contains("SigninToken=token-from-aws"));
}

void tst_ConsoleOpener::profileWithoutRoleFailsWithWhatToDo()
{
    BrokerRig rig;
    rig.broker->setProfiles({baseProfile()});
    QNetworkAccessManager network;
    ConsoleOpener opener(*rig.broker, network, m_dir->path());
    opener.setEnvironment(m_environment);
    QSignalSpy failed(&opener, &ConsoleOpener::failed);
    opener.open(u"base"_s);
    QCOMPARE(failed.size(), 0);
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY2(failed.first().value(1).toString().contains(u"Add a role_arn to profile 'base'"_s),
             qPrintable(failed.first().value(1).toString()));
    QVERIFY(m_queries.isEmpty());

    opener.open(u"nobody"_s);
    QTRY_COMPARE(failed.size(), 2);
    QCOMPARE(failed.last().value(1).toString(), u"There is no profile named nobody."_s);
}

void tst_ConsoleOpener::refusedSigninFails()
{
    m_status = 400;
    BrokerRig rig;
    const Profile base = baseProfile();
    rig.broker->setProfiles({base, roleProfile(base, u"prod"_s, u"Admin"_s)});
    QVERIFY(rig.activateWithCode(u"prod"_s));
    QNetworkAccessManager network;
    ConsoleOpener opener(*rig.broker, network, m_dir->path());
    opener.setEnvironment(m_environment);
    QSignalSpy failed(&opener, &ConsoleOpener::failed);
    opener.open(u"prod"_s);
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY2(failed.first().value(1).toString().contains(u"refused the credentials (HTTP 400)"_s),
             qPrintable(failed.first().value(1).toString()));
    QVERIFY(!QFile::exists(m_dir->filePath(u"argument"_s)));
}

QTEST_GUILESS_MAIN(tst_ConsoleOpener)
#include "tst_consoleopener.moc"
