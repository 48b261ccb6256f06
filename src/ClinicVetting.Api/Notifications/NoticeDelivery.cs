using MimeKit;

namespace ClinicVetting.Notifications;

public enum NoticeKind
{
    VettingDecision,
    ExpiryReminder,
    Suspension,
    Reinstatement,
}

public enum DeliveryStatus
{
    /// <summary>Waiting for its first attempt.</summary>
    Pending,
    Sent,
    /// <summary>An attempt failed; another is scheduled (<see cref="NoticeDelivery.NextAttemptAt"/>).</summary>
    Retrying,
    /// <summary>Every attempt failed: staff act on it.</summary>
    Failed,
    /// <summary>The clinic has no contact address on file: nothing to send to.</summary>
    NoAddress,
}

/// <summary>One notice to a clinic by e-mail, and what became of it. Its id is the Message-ID's, so a receiver drops a duplicate.</summary>
public sealed class NoticeDelivery
{
    public Guid Id { get; set; }
    public NoticeKind Kind { get; set; }
    public Guid ClinicId { get; set; }
    public string ClinicName { get; set; } = "";
    public Guid? CaseId { get; set; }
    public string? To { get; set; }
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public string MessageId { get; set; } = "";
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The e-mail: English, plain text (the notice is text; no HTML part to render), with the notice's stable Message-ID.</summary>
    public MimeMessage ToMessage(SmtpSettings smtp)
    {
        var message = new MimeMessage { Subject = Subject, MessageId = MessageId, Date = CreatedAt };
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.FromAddress));
        message.To.Add(MailboxAddress.Parse(To ?? throw new InvalidOperationException("The notice has no address.")));
        message.Headers.Add("Content-Language", "en");
        message.Headers.Add("X-ClinicVetting-Notice", $"{Kind}; id={Id}");
        message.Body = new TextPart("plain") { Text = Text };
        return message;
    }
}
