#include <QApplication>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

#include "tray/accountpicker.h"

// imsa-accountpicker-demo: the tray's account picker filled with made-up accounts, for
// tests/gui/screenshots.sh (docs/screenshots/account-picker.png) and for trying the window by
// hand. Prints the profile chosen or the sign-in asked for; ends when the window closes.
// LANG picks the translation, as in imsa-tray.

namespace {

using imsa::tray::AccountPickerEntry;

QList<AccountPickerEntry> sampleEntries()
{
    struct Account
    {
        const char *name;
        const char *id;
        QStringList roles;
    };

    const QStringList everyone{QStringLiteral("AdministratorAccess"),
                               QStringLiteral("ReadOnlyAccess")};
    const QStringList developers = everyone + QStringList{QStringLiteral("PowerUserAccess")};
    const QList<Account> accounts{
            {"payments-prod", "482910375561", everyone},
            {"payments-staging", "482910375562", developers},
            {"checkout-prod", "193847562013", everyone},
            {"checkout-staging", "193847562014", developers},
            {"search-prod", "730182946551", everyone},
            {"search-staging", "730182946552", developers},
            {"identity-prod", "615203948817", everyone},
            {"identity-staging", "615203948818", developers},
            {"data-lake-prod", "302918475660", everyone},
            {"data-lake-staging", "302918475661", developers},
            {"mobile-backend-prod", "845730192284", everyone},
            {"mobile-backend-staging", "845730192285", developers},
            {"security-audit", "111122223333", {QStringLiteral("SecurityAudit")}},
            {"billing", "999988887777", {QStringLiteral("Billing")}},
            {"sandbox-alice", "404040404040", {QStringLiteral("AdministratorAccess")}},
            {"sandbox-bob", "505050505050", {QStringLiteral("AdministratorAccess")}},
            {"log-archive", "222233334444", {QStringLiteral("ReadOnlyAccess")}},
            {"networking", "333344445555", everyone},
            {"shared-services-prod", "666677778888", developers},
    };
    QList<AccountPickerEntry> entries;
    for (const Account &account : accounts) {
        const QString name = QString::fromLatin1(account.name);
        for (const QString &role : account.roles)
            entries.append({name + QLatin1Char('/') + role, name, QString::fromLatin1(account.id),
                            role, QStringLiteral("corp")});
    }
    return entries;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("imsa"));
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("imsa"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QTextStream out(stdout);
    imsa::tray::AccountPicker picker;
    picker.setSignIns({{QStringLiteral("corp"), QStringLiteral("corp"), true},
                       {QStringLiteral("partner"),
                        QStringLiteral("https://partner-example.awsapps.com/start"), false}});
    picker.setEntries(sampleEntries());
    picker.setActiveProfile(QStringLiteral("payments-prod/ReadOnlyAccess"));
    QObject::connect(&picker, &imsa::tray::AccountPicker::profileChosen, &picker,
                     [&out](const QString &profile) {
                         out << "chosen: " << profile << Qt::endl;
                     });
    QObject::connect(&picker, &imsa::tray::AccountPicker::signInRequested, &picker,
                     [&out](const QString &key) {
                         out << "sign in: " << key << Qt::endl;
                     });
    // Closing the window (Escape, Close, a choice) ends the program.
    QObject::connect(&picker, &QDialog::finished, &application, &QCoreApplication::quit);
    picker.present();
    return QApplication::exec();
}
