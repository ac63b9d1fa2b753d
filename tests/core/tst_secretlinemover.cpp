#include <QTest>

#include "imsa/secretlinemover.h"

using namespace imsa;

// The "move secret to keychain" rewrite: exactly the secret line goes, every other byte stays.
class tst_SecretLineMover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void removesOnlyTheSecretLine_data();
    void removesOnlyTheSecretLine();
    void refusesWhatIsNotClear_data();
    void refusesWhatIsNotClear();
    void keepsUnrelatedProfilesSecrets();
};

void tst_SecretLineMover::removesOnlyTheSecretLine_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray readme =
            "\nsome_base_profile:\n"
            "    aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
            "    aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
            "    role_session_name: SomeSessionName\n"
            "    mfa_serial_number: arn:aws:iam::123456789012:mfa/UserName\n"
            "\nprofile_one:\n"
            "    extends: some_base_profile\n"
            "    role_arn: arn:aws:iam::123456789012:role/RoleNameOne\n";
    QByteArray readmeWithout = readme;
    readmeWithout.replace("    aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
                          "");
    QTest::addRow("the original imsa README example")
            << readme << QStringLiteral("some_base_profile") << readmeWithout;

    QTest::addRow("comments before, inside and after the profile stay")
            << QByteArray("# my AWS profiles\n"
                          "base:   # the IAM user\n"
                          "  # keys below\n"
                          "  aws_access_key_id: AKIAEXAMPLE # id\n"
                          "  aws_secret_access_key: s3cr3t   # rotate yearly\n"
                          "# a comment at column 0 inside the block\n"
                          "  region: eu-west-1\n"
                          "\n"
                          "# trailer\n")
            << QStringLiteral("base")
            << QByteArray("# my AWS profiles\n"
                          "base:   # the IAM user\n"
                          "  # keys below\n"
                          "  aws_access_key_id: AKIAEXAMPLE # id\n"
                          "# a comment at column 0 inside the block\n"
                          "  region: eu-west-1\n"
                          "\n"
                          "# trailer\n");

    QTest::addRow("CRLF line breaks are kept on every other line")
            << QByteArray("base:\r\n  aws_access_key_id: AKIAEXAMPLE\r\n"
                          "  aws_secret_access_key: s3cr3t\r\n  region: eu-west-1\r\n")
            << QStringLiteral("base")
            << QByteArray("base:\r\n  aws_access_key_id: AKIAEXAMPLE\r\n  region: eu-west-1\r\n");

    QTest::addRow("the secret as the last line without a final newline")
            << QByteArray(
                       "base:\n  aws_access_key_id: AKIAEXAMPLE\n  aws_secret_access_key: s3cr3t")
            << QStringLiteral("base") << QByteArray("base:\n  aws_access_key_id: AKIAEXAMPLE\n");

    QTest::addRow("no final newline elsewhere in the file is left alone")
            << QByteArray("base:\n  aws_secret_access_key: s3cr3t\n  region: eu-west-1")
            << QStringLiteral("base") << QByteArray("base:\n  region: eu-west-1");

    QTest::addRow("the secret as the first setting")
            << QByteArray(
                       "base:\n    aws_secret_access_key: s3cr3t\n    aws_access_key_id: AKIAX\n")
            << QStringLiteral("base") << QByteArray("base:\n    aws_access_key_id: AKIAX\n");

    QTest::addRow("the whole document indented, after a document start marker")
            << QByteArray("---\n  other:\n    aws_secret_access_key: keep-me\n  base:\n"
                          "    aws_secret_access_key: s3cr3t\n    region: us-east-1\n")
            << QStringLiteral("base")
            << QByteArray("---\n  other:\n    aws_secret_access_key: keep-me\n  base:\n"
                          "    region: us-east-1\n");

    QTest::addRow("one-space indentation and a tab inside the value line")
            << QByteArray("base:\n aws_access_key_id: AKIAX\n aws_secret_access_key:\ts3cr3t\n")
            << QStringLiteral("base") << QByteArray("base:\n aws_access_key_id: AKIAX\n");

    QTest::addRow("quoted key and quoted value")
            << QByteArray("\"base\":\n  'aws_secret_access_key': \"s3c # r3t\"\n  region: x\n")
            << QStringLiteral("base") << QByteArray("\"base\":\n  region: x\n");

    QTest::addRow("single-quoted value with an escaped quote")
            << QByteArray("base:\n  aws_secret_access_key: 'it''s secret' # c\n  region: x\n")
            << QStringLiteral("base") << QByteArray("base:\n  region: x\n");

    QTest::addRow("a nested setting of the same name in another key is not the secret")
            << QByteArray("base:\n  notes:\n    aws_secret_access_key: not-this-one\n"
                          "  aws_secret_access_key: this-one\n")
            << QStringLiteral("base")
            << QByteArray("base:\n  notes:\n    aws_secret_access_key: not-this-one\n");

    QTest::addRow("a UTF-8 byte order mark and non-ASCII comments survive")
            << QByteArray("\xEF\xBB\xBF# Schlüssel für Jörg\nbase:\n  aws_secret_access_key: s\n"
                          "  region: eu-central-1 # Frankfurt ✓\n")
            << QStringLiteral("base")
            << QByteArray("\xEF\xBB\xBF# Schlüssel für Jörg\nbase:\n"
                          "  region: eu-central-1 # Frankfurt ✓\n");

    QTest::addRow("an empty value is still one line")
            << QByteArray("base:\n  aws_secret_access_key:\n  region: x\n")
            << QStringLiteral("base") << QByteArray("base:\n  region: x\n");
}

void tst_SecretLineMover::removesOnlyTheSecretLine()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, profile);
    QFETCH(QByteArray, expected);

    const auto result = removeSecretLine(text, profile);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result.value(), expected);
}

void tst_SecretLineMover::refusesWhatIsNotClear_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("message");

    QTest::addRow("flow style profile")
            << QByteArray("base: {aws_access_key_id: AKIAX, aws_secret_access_key: s}\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 1): its settings are not written one per line");
    QTest::addRow("flow style document")
            << QByteArray("{base: {aws_secret_access_key: s}}\n") << QStringLiteral("base")
            << QStringLiteral("line 1: not written as 'profile:' in block style");
    QTest::addRow("literal block scalar")
            << QByteArray("base:\n  aws_secret_access_key: |\n    s3cr3t\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 2): its value is a multi-line block scalar");
    QTest::addRow("folded block scalar with indicator")
            << QByteArray("base:\n  aws_secret_access_key: >-\n    s3cr3t\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 2): its value is a multi-line block scalar");
    QTest::addRow("plain value continued on the next line")
            << QByteArray("base:\n  aws_secret_access_key: s3c\n    r3t\n  region: x\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 2): its value continues on the next line");
    QTest::addRow("value on the next line")
            << QByteArray("base:\n  aws_secret_access_key:\n    s3cr3t\n") << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 2): its value continues on the next line");
    QTest::addRow("double-quoted value over two lines")
            << QByteArray("base:\n  aws_secret_access_key: \"s3c\n    r3t\"\n")
            << QStringLiteral("base")
            << QStringLiteral(
                       "profile 'base' (line 2): its quoted value continues on the next line");
    QTest::addRow("secret set twice")
            << QByteArray("base:\n  aws_secret_access_key: a\n  aws_secret_access_key: b\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 3): aws_secret_access_key is set twice");
    QTest::addRow("profile defined twice")
            << QByteArray("base:\n  aws_secret_access_key: a\nbase:\n  region: x\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 3): defined more than once (also on line 1)");
    QTest::addRow("secret inherited through a merge key")
            << QByteArray(".keys: &keys\n  aws_secret_access_key: s\nbase:\n  <<: *keys\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 3): no aws_secret_access_key line of its own "
                              "(it may come from a merge key or another profile)");
    QTest::addRow("anchored profile others may merge")
            << QByteArray("base: &base\n  aws_secret_access_key: s\nother:\n  <<: *base\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 1): it carries a YAML anchor, so other "
                              "profiles may share its lines");
    QTest::addRow("anchored value")
            << QByteArray("base:\n  aws_secret_access_key: &s s3cr3t\n") << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 2): its value uses a YAML anchor or alias that "
                              "other lines may share");
    QTest::addRow("unknown profile")
            << QByteArray("base:\n  aws_secret_access_key: s\n") << QStringLiteral("prod")
            << QStringLiteral("no profile 'prod' in the file");
    QTest::addRow("two YAML documents")
            << QByteArray("base:\n  aws_secret_access_key: s\n---\nbase:\n  region: x\n")
            << QStringLiteral("base")
            << QStringLiteral("line 3: the file holds more than one YAML document");
    QTest::addRow("inconsistent indentation")
            << QByteArray("base:\n    region: x\n  aws_secret_access_key: s\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 3): inconsistent indentation");
    QTest::addRow("tab indentation")
            << QByteArray("base:\n\taws_secret_access_key: s\n") << QStringLiteral("base")
            << QStringLiteral("line 2: indented with a tab");
}

void tst_SecretLineMover::refusesWhatIsNotClear()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, profile);
    QFETCH(QString, message);

    const auto result = removeSecretLine(text, profile);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().message, message);
}

void tst_SecretLineMover::keepsUnrelatedProfilesSecrets()
{
    const QByteArray text = "a:\n  aws_secret_access_key: secret-a\n"
                            "b:\n  aws_secret_access_key: secret-b\n"
                            "c:\n  aws_secret_access_key: secret-c\n";
    const auto result = removeSecretLine(text, QStringLiteral("b"));
    QVERIFY(result.ok());
    QCOMPARE(result.value(),
             QByteArray("a:\n  aws_secret_access_key: secret-a\n"
                        "b:\n"
                        "c:\n  aws_secret_access_key: secret-c\n"));
}

QTEST_APPLESS_MAIN(tst_SecretLineMover)
#include "tst_secretlinemover.moc"
