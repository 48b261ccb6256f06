using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ClinicVetting.Notifications;

/// <summary>Sends one e-mail; throws when the server did not accept it.</summary>
public interface IMailSender
{
    Task Send(MimeMessage message, CancellationToken cancellation);
}

/// <summary>SMTP through MailKit, a connection per message (notices are few); host, port, TLS and credentials from configuration.</summary>
public sealed class SmtpMailSender(NotificationOptions options) : IMailSender
{
    public async Task Send(MimeMessage message, CancellationToken cancellation)
    {
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException("No SMTP server is configured (Notifications:Smtp:Host).");
        }

        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        }, cancellation);
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password, cancellation);
        }

        await client.SendAsync(message, cancellation);
        await client.DisconnectAsync(quit: true, cancellation);
    }
}
