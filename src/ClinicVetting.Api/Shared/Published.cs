namespace ClinicVetting.Shared;

/// <summary>
/// Part of a capability's published language: another capability may read it (a read model, or a pure function whose one
/// implementation several capabilities share). With the events, the only types a capability may use from another one.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface, Inherited = false)]
public sealed class PublishedAttribute : Attribute;
