#include <QTest>

#include "imsa/configerror.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_ConfigError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void toString_data();
    void toString();
};

void tst_ConfigError::toString_data()
{
    QTest::addColumn<ConfigError>("error");
    QTest::addColumn<QString>("expected");

    QTest::addRow("everything known")
            << ConfigError{u"/h/.imsa"_s, 3, 5, u"prod"_s, u"role_arn"_s, u"not an ARN"_s}
            << u"/h/.imsa:3:5: profile 'prod', key 'role_arn': not an ARN"_s;
    QTest::addRow("profile without key")
            << ConfigError{u"/h/.imsa"_s, 7, 1, u"dev"_s, {}, u"extends cycle"_s}
            << u"/h/.imsa:7:1: profile 'dev': extends cycle"_s;
    QTest::addRow("file level, no place")
            << ConfigError{u"/h/.imsa"_s, 0, 0, {}, {}, u"file not found"_s}
            << u"/h/.imsa: file not found"_s;
    QTest::addRow("line without column")
            << ConfigError{u"/h/.aws/config"_s, 4, 0, {}, {}, u"bad line"_s}
            << u"/h/.aws/config:4: bad line"_s;
}

void tst_ConfigError::toString()
{
    QFETCH(ConfigError, error);
    QFETCH(QString, expected);
    QCOMPARE(error.toString(), expected);
}

QTEST_APPLESS_MAIN(tst_ConfigError)
#include "tst_configerror.moc"
