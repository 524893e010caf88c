using System.Text;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Emitting;

/// <summary>Identifiers the emitters derive from declared names.</summary>
internal static class Naming
{
    /// <summary>Property of a recorded call type holding a parameter's value (unique within the method, chosen by the parser).</summary>
    public static string Property(ParameterSpec parameter) => parameter.Property;

    /// <summary>Recorder field holding the latest value of a parameter of a constant-key <c>[Sets]</c> (before de-duplication).</summary>
    public static string Field(MethodSpec method, ParameterSpec parameter) => "_" + Camel(method.Name) + parameter.Property;

    /// <summary>Recorder field prefix of a constant key's slot (e.g. <c>_exceptionSighKey</c>).</summary>
    public static string KeySlot(string key) => "_" + Camel(Identifier(key)) + "Key";

    public static string Pascal(string name)
    {
        name = name.TrimStart('@');
        return name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

    /// <summary>"exception_sigh" → "ExceptionSigh".</summary>
    public static string Identifier(string text)
    {
        var sb = new StringBuilder();
        bool upper = true;
        foreach (char c in text)
        {
            if (!char.IsLetterOrDigit(c))
            {
                upper = true;
                continue;
            }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, 'K');
        return sb.ToString();
    }

    /// <summary>Text for an XML doc comment: markup escaped, on one line.</summary>
    public static string XmlText(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\r", " ").Replace("\n", " ")
            .Replace("\u0085", " ").Replace("\u2028", " ").Replace("\u2029", " ");

    /// <summary>
    /// A fully qualified name for <c>&lt;see cref&gt;</c>: alias-qualified with <c>global::</c>, because the compiler resolves a
    /// cref from where the comment is, and a type of the user's namespace named like a namespace of the path (a class
    /// <c>Shapes</c> in namespace <c>Shapes</c>, a class <c>Rtcr</c>) would otherwise capture it (CS1574).
    /// </summary>
    public static string Cref(string fullName) => fullName.StartsWith("global::", System.StringComparison.Ordinal) ? fullName : "global::" + fullName;

    /// <summary>A fully qualified name as text (<c>&lt;c&gt;</c>): without the <c>global::</c> alias.</summary>
    public static string Display(string fullName) => fullName.StartsWith("global::", System.StringComparison.Ordinal) ? fullName.Substring(8) : fullName;
}
