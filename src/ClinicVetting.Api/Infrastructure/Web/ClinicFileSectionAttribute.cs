using System.Reflection;

namespace ClinicVetting.Infrastructure.Web;

/// <summary>
/// A component that shows one capability's part of a clinic's file (/console/clinics/{id}), in this order. Each capability
/// brings its own section and forms; the file page knows none of them (capabilities do not depend on each other for it).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ClinicFileSectionAttribute(int order) : Attribute
{
    public int Order { get; } = order;

    public static readonly IReadOnlyList<Type> Sections = typeof(ClinicFileSectionAttribute).Assembly.GetTypes()
        .Select(type => (type, section: type.GetCustomAttribute<ClinicFileSectionAttribute>()))
        .Where(x => x.section is not null)
        .OrderBy(x => x.section!.Order)
        .Select(x => x.type)
        .ToList();
}
