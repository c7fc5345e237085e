namespace CaseGrains.Storage;

/// <summary>One versioned schema step. Each SQL statement carries a line of rationale.</summary>
/// <param name="Version">Applied in ascending order; a database remembers which it has.</param>
/// <param name="Description">Recorded beside the version in <c>schema_migrations</c>.</param>
/// <param name="Sql">The statements, in the store's own dialect.</param>
public sealed record Migration(int Version, string Description, string Sql);
