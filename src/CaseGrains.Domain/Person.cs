namespace CaseGrains.Domain;

/// <summary>
/// 当事人/信访人 — a petitioner or a party. Every field is personal data under PIPL: mask it with
/// <see cref="Masking.Mask(Person)"/> for anyone who may not see it, and never log it.
/// </summary>
public sealed record Person(string Name, string? IdNumber = null, string? Phone = null, string? Address = null);
