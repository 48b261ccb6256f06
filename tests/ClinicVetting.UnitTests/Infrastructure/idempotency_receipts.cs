using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClinicVetting.Infrastructure.Http;
using Marten;

namespace ClinicVetting.UnitTests.Infrastructure;

public class idempotency_receipts
{
    /// <summary>What each handler answers (the first element of a tuple; Wolverine's own types are cascades, not answers).</summary>
    public static TheoryData<string> HandlerAnswers()
    {
        var answers = typeof(IdempotencyReceipts).Assembly.GetTypes()
            .SelectMany(x => x.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(x => x.Name is "Handle" or "HandleAsync" && x.GetParameters().Any(p => p.ParameterType == typeof(IDocumentSession)))
            .Select(x => Unwrap(x.ReturnType))
            .OfType<Type>()
            .Where(x => x.Assembly == typeof(IdempotencyReceipts).Assembly)
            .Distinct()
            .Select(x => x.FullName!)
            .Order();
        var data = new TheoryData<string>();
        foreach (var answer in answers) data.Add(answer);
        return data;
    }

    private static Type? Unwrap(Type type)
    {
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            type = type.GetGenericArguments()[0];
        }

        if (type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true)
        {
            type = type.GetGenericArguments()[0];
        }

        return type == typeof(Task) || type == typeof(ValueTask) || type == typeof(void) ? null : type;
    }

    /// <summary>The receipt is written by the middleware on handlers that take a session: one that does not would write without it.</summary>
    [Fact]
    public void every_handler_of_the_application_takes_the_session_that_carries_the_receipt()
    {
        var handlers = typeof(IdempotencyReceipts).Assembly.GetTypes()
            .Where(x => x.Name.EndsWith("Handler", StringComparison.Ordinal) || x.Name.EndsWith("Consumer", StringComparison.Ordinal))
            .SelectMany(x => x.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(x => x.Name is "Handle" or "HandleAsync" or "Consume" or "ConsumeAsync")
            .ToList();

        handlers.Count.ShouldBeGreaterThan(30);
        handlers.Where(x => x.GetParameters().All(p => p.ParameterType != typeof(IDocumentSession)))
            .Select(x => $"{x.DeclaringType!.Name}.{x.Name}")
            .ShouldBeEmpty();
    }

    [Fact]
    public void there_are_handler_answers_to_check() => HandlerAnswers().Count.ShouldBeGreaterThan(10);

    [Theory]
    [MemberData(nameof(HandlerAnswers))]
    public void every_handler_answer_can_be_rebuilt_from_its_receipt(string typeName)
    {
        var type = typeof(IdempotencyReceipts).Assembly.GetType(typeName).ShouldNotBeNull();
        var answer = type.IsValueType ? Activator.CreateInstance(type)! : RuntimeHelpers.GetUninitializedObject(type);

        var stored = JsonSerializer.SerializeToElement(answer, type, IdempotencyReceipts.Json);
        var rebuilt = stored.Deserialize(type, IdempotencyReceipts.Json);

        rebuilt.ShouldNotBeNull();
        JsonSerializer.SerializeToElement(rebuilt, type, IdempotencyReceipts.Json).GetRawText().ShouldBe(stored.GetRawText());
    }
}
